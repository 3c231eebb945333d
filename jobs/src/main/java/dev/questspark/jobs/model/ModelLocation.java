package dev.questspark.jobs.model;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a model file is, as given by a user: a local path, a file: URI, or a URI of another file system
 * (hdfs:, s3a:, ...), which only Spark jobs can read (see {@link DistributedModelFile}).
 */
public record ModelLocation(String location) {
    public ModelLocation {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("no model given: pass --model PATH (or set model in conf/quest-defaults.properties)");
        }
        location = location.trim();
    }

    /** The URI scheme, or null for a plain path. */
    public String scheme() {
        int colon = location.indexOf(':');
        int slash = location.indexOf('/');
        // A one-letter "scheme" is a Windows drive; a colon after the first slash is part of a path.
        if (colon <= 1 || (slash >= 0 && slash < colon)) {
            return null;
        }
        return location.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    public boolean isLocal() {
        String s = scheme();
        return s == null || s.equals("file");
    }

    /** The local path for a plain path or file: URI. */
    public Path localPath() {
        if (!isLocal()) {
            throw new IllegalStateException("model " + location + " is not on the local file system");
        }
        return scheme() == null ? Path.of(location) : Path.of(URI.create(location));
    }

    /** The file name, which is also its name when shipped with spark-submit --files. */
    public String fileName() {
        String s = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        return s.substring(s.lastIndexOf('/') + 1);
    }

    /** The local file, or an error that says what to do; for use outside Spark. */
    public Path requireLocalFile() {
        if (!isLocal()) {
            throw new IllegalArgumentException("model " + location + " is not a local file: outside Spark jobs give a local path");
        }
        Path p = localPath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("model file not found: " + p
                    + " (run bin/fetch-model for the default model, or pass --model PATH to a GGUF file)");
        }
        return p;
    }
}
