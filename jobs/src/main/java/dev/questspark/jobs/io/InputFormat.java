package dev.questspark.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The kinds of input the jobs read, and how "auto" tells them apart from file names. */
public enum InputFormat {
    PARQUET, JSON, TEXT;

    public static InputFormat parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "parquet" -> PARQUET;
            case "json", "jsonl", "json-lines" -> JSON;
            case "text", "txt" -> TEXT;
            default -> throw new IllegalArgumentException("input format must be auto, parquet, json or text, got '" + s + "'");
        };
    }

    /**
     * The format named, or for "auto": Parquet when the path is or holds .parquet files, JSON Lines when it is or
     * holds only .json/.jsonl/.ndjson files, otherwise text files.
     */
    public static InputFormat resolve(String setting, String path, Configuration conf) {
        if (!setting.trim().equalsIgnoreCase("auto")) {
            return parse(setting);
        }
        List<String> names = visibleFiles(path, conf).stream().map(p -> p.getName().toLowerCase(Locale.ROOT)).toList();
        if (names.stream().anyMatch(n -> n.endsWith(".parquet"))) {
            return PARQUET;
        }
        if (!names.isEmpty() && names.stream().allMatch(InputFormat::isJsonName)) {
            return JSON;
        }
        return TEXT;
    }

    private static boolean isJsonName(String n) {
        return n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    /** The path itself when it is a file, else its files not starting with . or _ (Spark's hidden files). */
    public static List<Path> visibleFiles(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new IllegalArgumentException("input not found: " + path);
            }
            FileStatus status = fs.getFileStatus(p);
            List<Path> out = new ArrayList<>();
            if (status.isFile()) {
                out.add(status.getPath());
                return out;
            }
            for (FileStatus s : fs.listStatus(p)) {
                String n = s.getPath().getName();
                if (s.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
                    out.add(s.getPath());
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + path + ": " + e.getMessage(), e);
        }
    }
}
