package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.ModelInfo;
import dev.questspark.quest.QuestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of KV snapshots (the QA job's {@code --kv-cache DIR}), one file per (model fingerprint, page size,
 * document id): {@code <fingerprint>-p<page size>-<sha256(document id), 32 hex>.kvsnap.arrow}. Saves write a temporary
 * file in the same directory and move it into place atomically, so concurrent tasks see either no file or a complete
 * one; the last save of a document wins. Safe to share between threads, processes and executors on one file system.
 * Files get the permissions of the process umask, like any other file it creates (Files.createTempFile would make
 * them 0600, which executors running as other users of a shared directory cannot read).
 */
public final class KvSnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(KvSnapshotStore.class);
    static final String SUFFIX = ".kvsnap.arrow";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;

    public KvSnapshotStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Where the snapshot of documentId made by model with pages of pageSize lives. */
    public Path pathFor(ModelInfo model, String documentId, int pageSize) {
        return directory.resolve(model.fingerprint() + "-p" + pageSize + "-" + documentHash(documentId) + SUFFIX);
    }

    /**
     * A session restored from the snapshot of documentId when there is a usable one: made by this engine's model with
     * quest's page size and holding exactly documentTokens. Empty when there is none; a refused snapshot (damaged,
     * another document under the same id) is logged and reported as empty, so the caller prefills the document and
     * {@link #save}s over it. The caller closes the session.
     *
     * @param maxContextTokens context of the restored session (document, question and answer)
     */
    public Optional<DecoderSession> find(Engine engine, QuestConfig quest, int maxContextTokens, String documentId,
                                         int[] documentTokens) {
        Path file = pathFor(engine.info(), documentId, quest.pageSize());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(KvSnapshot.restore(engine, quest, maxContextTokens, file, documentTokens));
        } catch (KvSnapshotException e) {
            if (e.reason() == KvSnapshotException.Reason.CONTEXT_TOO_SMALL) {
                throw e;
            }
            LOG.warn("Ignoring the KV snapshot of document '{}' ({}): {}", documentId, e.reason(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Loads the snapshot of documentId into empty (a session of engine on an empty paged cache, such as a batch
     * decoder's shared document) when there is a usable one: true then; false when there is none or it is refused
     * (logged), in which case the caller discards the session and prefills.
     */
    public boolean restoreInto(Engine engine, DecoderSession empty, String documentId, int[] documentTokens) {
        int pageSize = PageMetadataExporter.pagedCache(empty).config().quest().pageSize();
        Path file = pathFor(engine.info(), documentId, pageSize);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            KvSnapshotReader.restoreInto(engine, empty, file, documentTokens);
            return true;
        } catch (KvSnapshotException e) {
            LOG.warn("Ignoring the KV snapshot of document '{}' ({}): {}", documentId, e.reason(), e.getMessage());
            return false;
        }
    }

    /**
     * Saves session's context (the prefilled document, before any question) as the snapshot of documentId,
     * atomically replacing an earlier one; returns the file.
     */
    public Path save(Engine engine, DecoderSession session, String documentId) {
        int pageSize = PageMetadataExporter.pagedCache(session).config().quest().pageSize();
        Path target = pathFor(engine.info(), documentId, pageSize);
        Path tmp = null;
        try {
            Files.createDirectories(directory);
            tmp = Files.createFile(directory.resolve("." + target.getFileName() + "." + RANDOM.nextLong() + ".tmp"));
            KvSnapshot.write(engine, session, documentId, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return target;
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the file system of " + directory + " cannot rename files atomically; put --kv-cache on a "
                    + "local or POSIX file system", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the KV snapshot of document '" + documentId + "' in " + directory + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** The first 32 hex digits of SHA-256 over the document id's UTF-8 bytes. */
    static String documentHash(String documentId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(documentId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary snapshot {}: {}", tmp, e.toString());
        }
    }
}
