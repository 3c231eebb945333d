package dev.questspark.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Whether a job may write its output folder: without overwrite it must not exist. The command line checks this
 * before Spark starts and the job again with the session's Hadoop configuration; both say when the folder left
 * behind is an incomplete earlier run (Spark writes {@code _SUCCESS} last, so a folder without it was cut short).
 */
public final class OutputCheck {
    /** The marker Spark's committer writes when a whole output has been written. */
    static final String SUCCESS = "_SUCCESS";

    private OutputCheck() {
    }

    /** Throws IllegalArgumentException when output exists and overwrite is off. */
    public static void requireWritable(String output, boolean overwrite, Configuration hadoopConf) {
        if (overwrite) {
            return;
        }
        try {
            Path p = new Path(output);
            FileSystem fs = p.getFileSystem(hadoopConf);
            if (fs.exists(p)) {
                throw new IllegalArgumentException(message(output, fs, p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check output " + output + ": " + e.getMessage(), e);
        }
    }

    private static String message(String output, FileSystem fs, Path p) throws IOException {
        String what;
        if (fs.getFileStatus(p).isFile()) {
            what = " is a file";
        } else if (fs.exists(new Path(p, SUCCESS))) {
            what = " already exists (a complete earlier run)";
        } else {
            what = " already exists and has no " + SUCCESS + ": an incomplete earlier run (or not a job's output)";
        }
        return "output " + output + what + "; pass --overwrite to replace it or choose another --output";
    }
}
