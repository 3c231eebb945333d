package dev.questspark.jobs.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code kv-cache} setting: a directory of KV snapshots. Snapshots are read and written with plain file I/O
 * on each executor, so the directory must be on the local file system (local mode) or on a file system every
 * executor mounts at the same path (NFS and the like); Hadoop FileSystem URIs are refused.
 */
public final class KvCacheDirectory {
    private KvCacheDirectory() {
    }

    /**
     * The absolute directory for setting (a path or a file: URI), created if needed and checked to be writable;
     * null when setting is null or blank (no KV cache).
     */
    public static String prepare(String setting) {
        if (setting == null || setting.isBlank()) {
            return null;
        }
        Path dir = parse(setting.trim()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the kv-cache directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("the kv-cache directory " + dir + " is not writable; give a directory this"
                    + " user can write");
        }
        return dir.toString();
    }

    private static Path parse(String s) {
        int colon = s.indexOf(':');
        int slash = s.indexOf('/');
        // A one-letter "scheme" is a Windows drive; a colon after the first slash is part of a path.
        if (colon <= 1 || (slash >= 0 && slash < colon)) {
            return Path.of(s);
        }
        if (s.regionMatches(true, 0, "file:", 0, 5)) {
            return Path.of(URI.create(s));
        }
        throw new IllegalArgumentException("kv-cache must be a local directory, or one every executor mounts at the"
                + " same path, not a URI such as " + s);
    }
}
