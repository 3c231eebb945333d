package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * KV snapshots: a prefilled document (its tokens, the K/V pages of every layer and KV head, their page metadata and
 * the next-token logits) in an Arrow IPC file ({@link KvSnapshotSchema}, header {@link KvSnapshotHeader}), so a
 * document can be answered again without recomputing its prefill. A restored session continues exactly as the
 * session that was saved: same cache bytes, same page metadata, same logits.
 *
 * <p>Restoring refuses, with a {@link KvSnapshotException} naming the difference, a snapshot made with another
 * model (fingerprint), another shape or page size, or a truncated or corrupted file; nothing of such a file is
 * loaded into a session that is returned.
 */
public final class KvSnapshot {
    private KvSnapshot() {}

    /**
     * Writes session's whole context as a snapshot of document documentId to file (created or replaced, not
     * atomically: see {@link KvSnapshotStore} for that). The session must come from engine.
     */
    public static KvSnapshotHeader write(Engine engine, DecoderSession session, String documentId, Path file) {
        try {
            return KvSnapshotWriter.write(engine.info(), session, documentId, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write KV snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    /** The header of a snapshot file, checked (header checksum) but without reading its pages. */
    public static KvSnapshotHeader readHeader(Path file) {
        return KvSnapshotReader.readHeader(file);
    }

    /** {@link #restore(Engine, QuestConfig, int, Path, int[])} with the model's whole context and any tokens. */
    public static DecoderSession restore(Engine engine, QuestConfig quest, Path file) {
        return restore(engine, quest, engine.info().contextLength(), file, null);
    }

    /**
     * A new session of engine, attending as quest says, with up to maxContextTokens of context, holding the
     * snapshot's document and ready to generate its continuation. With expectedTokens (nullable), a snapshot of any
     * other tokens is refused as {@code OTHER_DOCUMENT}. The caller closes the session.
     *
     * @throws KvSnapshotException when the snapshot is refused; no session is left open then
     */
    public static DecoderSession restore(Engine engine, QuestConfig quest, int maxContextTokens, Path file, int[] expectedTokens) {
        return KvSnapshotReader.restore(engine, quest, maxContextTokens, file, expectedTokens);
    }
}
