package dev.questspark.jobs.text;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Short answers from a small model's replies: the first line, without a restatement of the question. Small models
 * answer "What is the title of section 14?" with "The title of section 14 is "Revised Versions of this License"."; the
 * answer is what follows the restatement.
 */
public final class Answers {
    private static final Pattern WORD = Pattern.compile("\\S+");
    /** Words a restatement may add to the question's own. */
    private static final Set<String> GLUE = Set.of("a", "an", "the", "that", "which", "who", "this", "these", "of", "in",
            "to", "by", "for", "on", "it", "its", "called", "named", "answer", "question");
    /** Where a restatement ends and the answer begins. */
    private static final Set<String> LINKS = Set.of("is", "are", "was", "were", "means", "mean", "refers", "refer");

    /** Questions that ask for a fact (a name, date, number, title) rather than an explanation. */
    private static final Pattern FACTUAL = Pattern.compile("^\\s*(what|who|whom|whose|when|which|where|how many|how much|how long"
            + "|at most how|at least how|in which|on which|at which|on what|in what|within how)\\b", Pattern.CASE_INSENSITIVE);

    private Answers() {
    }

    /** The reply to a factual question shortened by {@link #shorten}; any other reply as it is (stripped). */
    public static String forQuestion(String question, String reply) {
        return isFactual(question) ? shorten(question, reply) : reply.strip();
    }

    /** Whether the question asks for a fact (what, who, when, which, how many, ...) rather than an explanation. */
    public static boolean isFactual(String question) {
        return FACTUAL.matcher(question).find();
    }

    /** The answer without a leading restatement of the question (ending in is/are/was/means/refers to...). */
    public static String shorten(String question, String reply) {
        String line = firstLine(reply);
        Set<String> known = new HashSet<>(GLUE);
        WORD.matcher(question).results().map(m -> bare(m.group())).forEach(known::add);
        Matcher m = WORD.matcher(line);
        int cut = -1;
        while (m.find()) {
            String w = bare(m.group());
            boolean link = LINKS.contains(w);
            if (!link && !known.contains(w)) {
                break;
            }
            if (link) {
                cut = m.end();
            }
        }
        if (cut < 0) {
            return tidy(line);
        }
        String rest = line.substring(cut).strip();
        if (rest.toLowerCase(Locale.ROOT).startsWith("to ")) {
            rest = rest.substring(3); // "refers to X"
        }
        rest = tidy(rest);
        return rest.isEmpty() ? tidy(line) : rest;
    }

    private static String firstLine(String reply) {
        String t = reply.strip();
        for (String line : List.of(t.split("\n"))) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return t;
    }

    /** Without a final period and without quotes around the whole answer. */
    private static String tidy(String s) {
        String t = s.strip();
        if (t.endsWith(".") && !t.endsWith("..")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        if (t.length() > 1 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("\u201c") && t.endsWith("\u201d"))) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.endsWith(":")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
    }

    private static String bare(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("^[\\p{P}\\p{S}]+|[\\p{P}\\p{S}]+$", "");
    }
}
