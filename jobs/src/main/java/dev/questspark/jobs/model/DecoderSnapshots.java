package dev.questspark.jobs.model;

import dev.questspark.quest.QuestConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Prefilled documents kept on disk between tasks and jobs (the QA job's {@code --kv-cache DIR}): a decoder whose
 * KV cache holds exactly a document's tokens, saved once and restored instead of prefilling the document again.
 * A snapshot that cannot be used (another model or page size, damaged, other tokens) is a miss, never an error.
 * Implementations are shared by the tasks of an executor, so they must be thread-safe.
 */
public interface DecoderSnapshots {
    /** No snapshots: every lookup misses and saves are dropped (models without snapshot support). */
    DecoderSnapshots NONE = new DecoderSnapshots() {
        @Override
        public Optional<Decoder> find(QuestConfig attention, int maxContextTokens, String key, int[] document) {
            return Optional.empty();
        }

        @Override
        public void save(Decoder decoder, String key) {
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /**
     * A new decoder restored from the snapshot stored under key when that snapshot holds exactly the tokens of
     * document; empty otherwise. The caller closes the decoder.
     */
    Optional<Decoder> find(QuestConfig attention, int maxContextTokens, String key, int[] document);

    /** Stores the decoder's KV cache (which must hold just the prefilled document) under key, replacing an older one. */
    void save(Decoder decoder, String key);

    /** Whether lookups can ever hit; false lets callers skip hashing documents. */
    default boolean enabled() {
        return true;
    }

    /**
     * The snapshot name of a document segment: SHA-256 of its tokens. It is the exact prefix the prompts share
     * (prompt frame, template text, document), so different templates or chat settings never overwrite each other.
     */
    static String key(int[] document) {
        ByteBuffer b = ByteBuffer.allocate(document.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(document);
        try {
            return "tokens-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
