package dev.questspark.jobs;

import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test hook for retries: when the Spark conf key {@value #KEY} names a file that does not exist yet, the first
 * task attempt that gets here creates it and fails, once per file. The retried attempt (attemptNumber 1) and
 * every later task go on. Local files only; unset in production.
 */
final class FailOnce {
    static final String KEY = "spark.quest.test.failOnceMarker";

    private FailOnce() {
    }

    static void check(String marker, TaskContext task) {
        if (marker == null || marker.isEmpty() || task == null || task.attemptNumber() > 0) {
            return;
        }
        try {
            Files.createFile(Path.of(marker));
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create failure marker " + marker, e);
        }
        throw new IllegalStateException("injected failure (" + KEY + "=" + marker + "): stage " + task.stageId()
                + " partition " + task.partitionId() + " attempt " + task.attemptNumber() + " fails once");
    }
}
