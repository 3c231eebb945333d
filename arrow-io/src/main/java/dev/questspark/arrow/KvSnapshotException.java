package dev.questspark.arrow;

import java.nio.file.Path;

/**
 * A KV snapshot that was not loaded, and why. Nothing of it reached a session: callers can fall back to prefilling
 * the document (and saving a new snapshot over the bad one).
 */
public final class KvSnapshotException extends RuntimeException {
    /** Why a snapshot was refused. */
    public enum Reason {
        /** The file cannot be read (missing, permissions, I/O error). */
        UNREADABLE,
        /** The file is not a Quest KV snapshot (no snapshot metadata). */
        NOT_A_SNAPSHOT,
        /** A snapshot format this code does not read. */
        UNSUPPORTED_VERSION,
        /** Truncated or corrupted: Arrow cannot read it, a checksum or a structural check fails. */
        CORRUPTED,
        /** Made with another model (fingerprint). */
        OTHER_MODEL,
        /** Made with another KV page size. */
        OTHER_PAGE_SIZE,
        /** Its shape (layers, heads, KV heads, head dim, vocabulary) is not the model's. */
        OTHER_SHAPE,
        /** It holds other tokens than the caller expects for the document. */
        OTHER_DOCUMENT,
        /** The session's context cannot hold the snapshot's tokens. */
        CONTEXT_TOO_SMALL
    }

    private final Reason reason;
    private final transient Path file;

    public KvSnapshotException(Reason reason, Path file, String message) {
        this(reason, file, message, null);
    }

    public KvSnapshotException(Reason reason, Path file, String message, Throwable cause) {
        super("KV snapshot " + file + " not loaded: " + message, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    public Path file() {
        return file;
    }
}
