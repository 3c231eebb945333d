package dev.questspark.jobs.eval.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rows of labelled quality runs under docs/results: {@code quality-LABEL.json}, one file per label (rerunning a
 * label replaces it), so the report can set a run of earlier code ("before") beside the current one.
 */
public final class QualityStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String PREFIX = "quality-";

    /** One labelled run: how it was made and its rows. */
    public record Run(String label, String command, String date, String model, List<String> settings, List<QaRow> qa,
                      List<SummaryRow> summaries) {
    }

    private QualityStore() {
    }

    public static Path write(Path results, Run run) {
        Path file = results.resolve(PREFIX + run.label() + ".json");
        try {
            Files.createDirectories(results);
            Files.writeString(file, JSON.writeValueAsString(run), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every stored run, oldest first. */
    public static List<Run> readAll(Path results) {
        if (!Files.isDirectory(results)) {
            return List.of();
        }
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                    && p.getFileName().toString().endsWith(".json")).toList()) {
                runs.add(JSON.readValue(f.toFile(), Run.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read quality runs in " + results + ": " + e.getMessage(), e);
        }
        runs.sort(Comparator.comparing(Run::date));
        return runs;
    }
}
