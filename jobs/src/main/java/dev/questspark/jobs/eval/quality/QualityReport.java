package dev.questspark.jobs.eval.quality;

import dev.questspark.jobs.eval.quality.QualityStore.Run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "Output quality" section of docs/RESULTS.md, from every stored quality run: QA accuracy and summary measures
 * per run and setting, and the summaries of the latest run's first setting. The section sits between markers and is
 * replaced in place, so the rest of the report (written by the other sections) is left as it is.
 */
public final class QualityReport {
    static final String BEGIN = "<!-- quality: written by bin/quest eval --sections quality; do not edit -->";
    static final String END = "<!-- quality: end -->";
    /** A summary copying more tokens than this verbatim from its source counts as a copy, not a summary. */
    public static final int COPY_LIMIT = 30;

    private QualityReport() {
    }

    /** Writes the section into report (created when missing), replacing the previous one. */
    public static void splice(Path report, List<Run> runs) {
        try {
            String old = Files.isRegularFile(report) ? Files.readString(report, StandardCharsets.UTF_8) : "";
            Files.writeString(report, replace(old, section(runs)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report + ": " + e.getMessage(), e);
        }
    }

    /** The quality block of a report's text, or null when it has none. */
    public static String block(String report) {
        int b = report.indexOf(BEGIN);
        int e = report.indexOf(END);
        return b < 0 || e < b ? null : report.substring(b, e + END.length());
    }

    /** The text with its quality block replaced by block (appended when it had none). */
    static String replace(String text, String block) {
        String old = block(text);
        if (old != null) {
            return text.replace(old, block);
        }
        return text.isEmpty() ? block + "\n" : text.stripTrailing() + "\n\n" + block + "\n";
    }

    static String section(List<Run> runs) {
        StringBuilder md = new StringBuilder(BEGIN).append("\n## Output quality\n\n");
        md.append("Written by `bin/quest eval --sections quality` (this section only; the rest of the report is left as it"
                + " was). Each run carries a label; a run of earlier code keeps its rows beside the current one, so a change is"
                + " compared on the same sets by the same harness. The sets are in `data/quality` and read their texts at run"
                + " time from `/usr/share/common-licenses` (present on every Debian system) and `data/sample-corpus`; rows of"
                + " each run are in `results/quality-LABEL.json`. Every row goes through the jobs' own row code (prompts,"
                + " chunking, retrieval, sampling), in one JVM.\n\n");
        md.append("- QA: questions whose gold answers are spans of their source; answers are normalized as in SQuAD (lower"
                + " case, no punctuation or articles); exact match wants the answer equal to a gold span, containment wants a"
                + " gold span inside the answer.\n");
        md.append("- Summaries, over the model's tokens: repeated 4-grams (share of the summary's 4-grams that already occurred"
                + " in it; loops score high), longest verbatim copy from the source (a summary copying more than " + COPY_LIMIT
                + " tokens counts as a copy), length ratio (summary / source tokens), and support, a reference-free faithfulness"
                + " proxy: the share of the summary's content words (stop words out, first five letters compared) found in the"
                + " source. Invented names, dates and claims lower support; it does not see a wrong relation between true words,"
                + " so it bounds unfaithfulness from below only.\n\n");
        for (Run r : runs) {
            md.append("Run `").append(r.label()).append("` (").append(r.date()).append(", ").append(r.model()).append("): `")
                    .append(r.command()).append("`; settings: ").append(String.join("; ", r.settings())).append(".\n\n");
        }
        checks(md, runs);
        qaTable(md, runs);
        summaryTable(md, runs);
        samples(md, runs);
        return md.append(END).toString();
    }

    /**
     * The targets of the quality issue, on the first run (the baseline) and the last: QA accuracy at least double on
     * the same set, summaries with under 5% repeated 4-grams and none copying more than {@value #COPY_LIMIT} tokens.
     */
    private static void checks(StringBuilder md, List<Run> runs) {
        if (runs.size() < 2) {
            return;
        }
        Run first = runs.get(0);
        Run lastQa = latest(runs, r -> !r.qa().isEmpty());
        Run lastSummaries = latest(runs, r -> !r.summaries().isEmpty());
        md.append("### Checks (run `").append(first.label()).append("` against the latest runs with QA and summary rows)\n\n");
        List<QaRow> before = firstSetting(first.qa(), QaRow::setting);
        List<QaRow> after = lastQa == null ? List.of() : firstSetting(lastQa.qa(), QaRow::setting);
        if (!before.isEmpty() && !after.isEmpty()) {
            long b = before.stream().filter(QaRow::contains).count();
            long a = after.stream().filter(QaRow::contains).count();
            long be = before.stream().filter(QaRow::exact).count();
            long ae = after.stream().filter(QaRow::exact).count();
            md.append(String.format(Locale.ROOT, "- QA accuracy (containment), run `%s` setting `%s` against `%s`: %d/%d -> %d/%d (%s;"
                    + " target at least 2x: %s); exact match %d -> %d.%n", lastQa.label(), after.get(0).setting(), before.get(0).setting(),
                    b, before.size(), a,
                    after.size(), b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", (double) a / b), a >= 2 * b ? "met" : "not met", be, ae));
        }
        List<SummaryRow> sums = lastSummaries == null ? List.of() : firstSetting(lastSummaries.summaries(), SummaryRow::setting);
        if (!sums.isEmpty()) {
            double repeated = sums.stream().mapToDouble(s -> s.metrics().repeated4gramShare()).average().orElse(0);
            long copies = sums.stream().filter(s -> s.metrics().longestCopy() > COPY_LIMIT).count();
            long longer = sums.stream().filter(s -> s.metrics().summaryTokens() >= s.metrics().sourceTokens()).count();
            md.append(String.format(Locale.ROOT, "- Summaries, run `" + lastSummaries.label() + "` setting `%s`: repeated 4-grams %s on average (target under 5%%: %s);"
                    + " %d of %d copy more than %d tokens of their source (target none: %s); %d longer than their source.%n",
                    sums.get(0).setting(), pct(repeated), repeated < 0.05 ? "met" : "not met", copies, sums.size(), COPY_LIMIT,
                    copies == 0 ? "met" : "not met", longer));
        }
        md.append('\n');
    }

    /** The latest run that has the rows wanted, or null. */
    private static Run latest(List<Run> runs, java.util.function.Predicate<Run> has) {
        Run found = null;
        for (Run r : runs) {
            if (has.test(r)) {
                found = r;
            }
        }
        return found;
    }

    /** The rows of the first setting that appears in rows. */
    private static <T> List<T> firstSetting(List<T> rows, java.util.function.Function<T, String> setting) {
        if (rows.isEmpty()) {
            return List.of();
        }
        String first = setting.apply(rows.get(0));
        return rows.stream().filter(r -> setting.apply(r).equals(first)).toList();
    }

    private static void qaTable(StringBuilder md, List<Run> runs) {
        md.append("### QA\n\n| run | setting | questions | errors | exact match | containment | prompt tokens per question"
                + " | seconds per question |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Run r : runs) {
            for (Map.Entry<String, List<QaRow>> e : bySetting(r.qa(), QaRow::setting).entrySet()) {
                List<QaRow> rows = e.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %.0f | %.1f |%n", r.label(), e.getKey(), rows.size(),
                        rows.stream().filter(q -> !"ok".equals(q.status())).count(),
                        share(rows.stream().filter(QaRow::exact).count(), rows.size()),
                        share(rows.stream().filter(QaRow::contains).count(), rows.size()),
                        rows.stream().mapToInt(QaRow::promptTokens).average().orElse(0),
                        rows.stream().mapToDouble(QaRow::seconds).average().orElse(0)));
            }
        }
        md.append('\n');
    }

    private static void summaryTable(StringBuilder md, List<Run> runs) {
        md.append("### Summaries\n\n| run | setting | documents | errors | repeated 4-grams, mean (max) | longest copy, tokens, mean"
                + " (max) | copies > " + COPY_LIMIT + " tokens | length ratio, mean (max) | support, mean (min) | summary tokens,"
                + " mean | seconds per document |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Run r : runs) {
            for (Map.Entry<String, List<SummaryRow>> e : bySetting(r.summaries(), SummaryRow::setting).entrySet()) {
                List<SummaryMetrics> m = e.getValue().stream().filter(s -> "ok".equals(s.status())).map(SummaryRow::metrics).toList();
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s (%s) | %.1f (%d) | %d | %.3f (%.3f) | %s (%s) | %.0f | %.1f |%n",
                        r.label(), e.getKey(), e.getValue().size(), e.getValue().size() - m.size(),
                        pct(m.stream().mapToDouble(SummaryMetrics::repeated4gramShare).average().orElse(0)),
                        pct(m.stream().mapToDouble(SummaryMetrics::repeated4gramShare).max().orElse(0)),
                        m.stream().mapToInt(SummaryMetrics::longestCopy).average().orElse(0),
                        m.stream().mapToInt(SummaryMetrics::longestCopy).max().orElse(0),
                        m.stream().filter(x -> x.longestCopy() > COPY_LIMIT).count(),
                        m.stream().mapToDouble(SummaryMetrics::lengthRatio).average().orElse(0),
                        m.stream().mapToDouble(SummaryMetrics::lengthRatio).max().orElse(0),
                        pct(m.stream().mapToDouble(SummaryMetrics::support).average().orElse(0)),
                        pct(m.stream().mapToDouble(SummaryMetrics::support).min().orElse(0)),
                        m.stream().mapToInt(SummaryMetrics::summaryTokens).average().orElse(0),
                        e.getValue().stream().mapToDouble(SummaryRow::seconds).average().orElse(0)));
            }
        }
        md.append('\n');
    }

    /** The summaries of the latest run that has some, under its first setting, so a reader can judge them. */
    private static void samples(StringBuilder md, List<Run> runs) {
        if (runs.isEmpty()) {
            return;
        }
        Run last = latest(runs, r -> !r.summaries().isEmpty());
        if (last == null) {
            return;
        }
        String setting = last.summaries().get(0).setting();
        md.append("### Summaries of run `").append(last.label()).append("`, setting `").append(setting).append("`\n\n");
        for (SummaryRow s : last.summaries()) {
            if (s.setting().equals(setting)) {
                SummaryMetrics m = s.metrics();
                md.append(String.format(Locale.ROOT, "- **%s** (%d of %d tokens, repeated 4-grams %s, longest copy %d, support %s): %s%n",
                        s.id(), m.summaryTokens(), m.sourceTokens(), pct(m.repeated4gramShare()), m.longestCopy(), pct(m.support()),
                        s.summary().replaceAll("\\s+", " ").strip()));
            }
        }
        md.append('\n');
    }

    private static <T> Map<String, List<T>> bySetting(List<T> rows, java.util.function.Function<T, String> key) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        rows.forEach(r -> out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
        return out;
    }

    private static String share(long n, int of) {
        return of == 0 ? "n/a" : String.format(Locale.ROOT, "%d/%d (%s)", n, of, pct((double) n / of));
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
