package dev.questspark.jobs.eval.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality sets in data/quality: {@code qa.jsonl} (id, source, question, answers: gold spans of the source) and
 * {@code summaries.jsonl} (id, source). Sources are read at run time from their paths (system files such as
 * /usr/share/common-licenses, or paths relative to the project); an item whose source is missing is skipped and
 * named, and a gold answer that is not a span of its source is an error in the set.
 */
public final class QualitySets {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One question; text is its source's content. */
    public record QaItem(String id, String source, String question, List<String> answers, String text) {
    }

    /** One document to summarize. */
    public record SummaryItem(String id, String source, String text) {
    }

    /** Items loaded and sources that were not found. */
    public record Loaded<T>(List<T> items, List<String> missing) {
    }

    private QualitySets() {
    }

    public static Loaded<QaItem> qa(Path file, Path home) {
        return load(file, home, (n, id, source, text) -> {
            List<String> answers = new ArrayList<>();
            n.path("answers").forEach(a -> answers.add(a.asText()));
            if (answers.isEmpty()) {
                throw new IllegalArgumentException(file + ": question " + id + " has no answers");
            }
            String flat = flatten(text);
            for (String a : answers) {
                if (!flat.contains(flatten(a))) {
                    throw new IllegalArgumentException(file + ": answer '" + a + "' of question " + id
                            + " is not a span of " + source + "; fix the set");
                }
            }
            return new QaItem(id, source, field(n, "question", file), List.copyOf(answers), text);
        });
    }

    public static Loaded<SummaryItem> summaries(Path file, Path home) {
        return load(file, home, (n, id, source, text) -> new SummaryItem(id, source, text));
    }

    /** Makes an item of one line of a set, given its id, its source's name and text. */
    private interface ItemReader<T> {
        T read(JsonNode line, String id, String source, String text);
    }

    /** Every line of file whose source text is found (under home), as items; the others as missing. */
    private static <T> Loaded<T> load(Path file, Path home, ItemReader<T> reader) {
        List<T> items = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (JsonNode n : lines(file)) {
            String id = field(n, "id", file);
            String source = field(n, "source", file);
            String text = read(resolve(source, home));
            if (text == null) {
                missing.add(id + " (" + source + ")");
            } else {
                items.add(reader.read(n, id, source, text));
            }
        }
        return new Loaded<>(items, missing);
    }

    /** Lower case with runs of whitespace as one space: how answer spans are matched to their source. */
    static String flatten(String s) {
        return s.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }

    private static List<JsonNode> lines(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new IllegalArgumentException(file + " line " + number + " is not JSON: " + e.getMessage());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the quality set " + file + ": " + e.getMessage(), e);
        }
    }

    private static String field(JsonNode n, String name, Path file) {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(file + ": an item lacks the string field '" + name + "': " + n);
        }
        return v.asText();
    }

    private static Path resolve(String source, Path home) {
        Path p = Path.of(source);
        return p.isAbsolute() ? p : home.resolve(p);
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
