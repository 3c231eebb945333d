package dev.questspark.jobs.qa;

import dev.questspark.jobs.model.Decoder;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.text.TokenChunks.Span;
import dev.questspark.quest.QuestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Prefills one chunk of a document as the head of its prompt (the prompt's tokens before the document, then the
 * chunk) and exports the KV page metadata of that prefill as Arrow. With KV snapshots the prefill is stored under
 * (document, chunk), so a chunk is prefilled once per corpus whichever task or executor needs it next; a snapshot
 * holding other tokens is a miss and is overwritten.
 */
public final class ChunkPrefill {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkPrefill.class);

    private final DocumentModel model;
    private final QuestConfig attention;
    private final DecoderSnapshots snapshots;

    public ChunkPrefill(DocumentModel model, QuestConfig attention, DecoderSnapshots snapshots) {
        this.model = model;
        this.attention = attention;
        this.snapshots = snapshots;
    }

    /** The page metadata (Arrow IPC stream) of head followed by document[span], its rows named "chunk START-END". */
    public byte[] pages(int[] head, int[] document, Span span) {
        return pages(head, java.util.Arrays.copyOfRange(document, span.start(), span.end()), documentHash(document), span);
    }

    /**
     * The page metadata of head followed by chunk, the tokens span of the document whose {@link #documentHash} is
     * documentHash.
     */
    public byte[] pages(int[] head, int[] chunk, String documentHash, Span span) {
        if (chunk.length != span.length()) {
            throw new IllegalArgumentException("chunk of " + chunk.length + " tokens for a span of " + span.length());
        }
        int[] prompt = new int[head.length + chunk.length];
        System.arraycopy(head, 0, prompt, 0, head.length);
        System.arraycopy(chunk, 0, prompt, head.length, chunk.length);
        String key = snapshots.enabled() ? "doc-" + documentHash + "-chunk-" + span.start() + "-" + span.end() : null;
        Optional<Decoder> restored = key == null ? Optional.empty() : snapshots.find(attention, prompt.length, key, prompt);
        try (Decoder d = restored.orElseGet(() -> model.newDecoder(attention, prompt.length))) {
            if (restored.isEmpty()) {
                d.prefill(prompt);
                save(d, key);
            }
            return d.pageMetadata("chunk " + span.start() + "-" + span.end());
        }
    }

    private void save(Decoder d, String key) {
        if (key == null) {
            return;
        }
        try {
            snapshots.save(d, key);
        } catch (RuntimeException e) {
            LOG.warn("KV snapshot {} not saved: {}", key, e.getMessage());
        }
    }

    /**
     * A document's part of its chunks' snapshot names (with the chunk's token range): SHA-256 of all its tokens. The
     * stored tokens (prompt head included) are checked on every lookup, so another template or chat setting only
     * misses.
     */
    public static String documentHash(int[] document) {
        ByteBuffer b = ByteBuffer.allocate(document.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(document);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
