package dev.questspark.jobs.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a model file for a Spark task: a local path every node can read, a file shipped with
 * {@code spark-submit --files} (found through {@link SparkFiles}), or a Hadoop FileSystem URI, copied once per JVM
 * into a local cache because the engine memory-maps weights from a local file.
 */
public final class DistributedModelFile {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedModelFile.class);
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private DistributedModelFile() {
    }

    /** The local file for location, or an error naming the places looked at. */
    public static Path resolve(ModelLocation location, Configuration hadoopConf) {
        if (location.isLocal()) {
            Path found = localOrShipped(location);
            if (found != null) {
                return found;
            }
            throw new IllegalArgumentException("model file not found: " + location.localPath()
                    + " (give a path every node can read, ship the file with spark-submit --files, or use a Hadoop"
                    + " FileSystem URI such as hdfs://...)");
        }
        return COPIES.computeIfAbsent(location.location(), l -> copyToLocal(location, hadoopConf));
    }

    /** The local path when it is a file, else the file of that name shipped with --files, else null. */
    private static Path localOrShipped(ModelLocation location) {
        Path p = location.localPath();
        return Files.isRegularFile(p) ? p : shippedFile(location.fileName());
    }

    /**
     * The model file as the driver sees it, so the driver can load it before any task starts: a local path, a
     * file shipped with --files (the driver gets its own copy), or a local copy of a Hadoop FileSystem URI. Errors
     * say where the model was looked for and how to make it visible.
     */
    public static Path driverFile(ModelLocation location, Configuration hadoopConf) {
        if (!location.isLocal()) {
            checkRemote(location, hadoopConf);
            return resolve(location, hadoopConf);
        }
        Path found = localOrShipped(location);
        if (found != null) {
            return found;
        }
        if (location.location().equals(location.fileName())) {
            throw new IllegalArgumentException("model '" + location.location() + "' is a bare file name, but no file of"
                    + " that name was shipped with spark-submit --files (spark.files) and there is none in the working"
                    + " directory " + Path.of("").toAbsolutePath() + "; ship it with --files /path/to/"
                    + location.fileName() + ", or give a path every node can read or a Hadoop URI such as hdfs://...");
        }
        throw new IllegalArgumentException("model file not found: " + location.localPath().toAbsolutePath()
                + " (run bin/fetch-model for the default model, or pass --model PATH to a GGUF file)");
    }

    private static void checkRemote(ModelLocation location, Configuration hadoopConf) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location.location());
            if (!p.getFileSystem(hadoopConf).isFile(p)) {
                throw new IllegalArgumentException("model file not found: " + location.location());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model " + location.location() + ": " + e.getMessage(), e);
        }
    }

    private static Path shippedFile(String name) {
        try {
            Path p = Path.of(SparkFiles.get(name));
            return Files.isRegularFile(p) ? p : null;
        } catch (RuntimeException e) {
            return null; // no SparkEnv: not inside a Spark application
        }
    }

    private static Path copyToLocal(ModelLocation location, Configuration hadoopConf) {
        try {
            org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(location.location());
            FileSystem fs = src.getFileSystem(hadoopConf);
            FileStatus status = fs.getFileStatus(src);
            String key = location.location() + "|" + status.getLen() + "|" + status.getModificationTime();
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "quest-models", sha256(key).substring(0, 16));
            Path target = dir.resolve(location.fileName());
            if (Files.isRegularFile(target) && Files.size(target) == status.getLen()) {
                return target;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "copy", ".part");
            LOG.info("copying model {} ({} bytes) to {}", location.location(), status.getLen(), target);
            try (InputStream in = fs.open(src)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model " + location.location() + " to local disk: " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
