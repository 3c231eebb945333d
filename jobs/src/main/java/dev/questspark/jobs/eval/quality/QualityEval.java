package dev.questspark.jobs.eval.quality;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.eval.quality.QualitySets.Loaded;
import dev.questspark.jobs.eval.quality.QualitySets.QaItem;
import dev.questspark.jobs.eval.quality.QualitySets.SummaryItem;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality section of {@code bin/quest eval}: runs the QA and summary sets under each setting, stores the rows
 * under a label and rewrites the section of RESULTS.md from every stored run.
 *
 * @param sets     folder with qa.jsonl and summaries.jsonl
 * @param label    name of this run's rows (a rerun of a label replaces them)
 * @param qa       settings the QA set runs under (none: skip it)
 * @param summary  settings the summary set runs under (none: skip it)
 */
public record QualityEval(Path sets, String label, List<QualityVariant> qa, List<QualityVariant> summary) {
    public static final String DEFAULT_QA = "dense=attention:dense;quest-b1024-p8=attention:quest,token-budget:1024,page-size:8;"
            + "quest-b256-p8=attention:quest,token-budget:256,page-size:8";
    public static final String DEFAULT_SUMMARY = "defaults";

    public QualityEval {
        if (!label.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("quality label must be letters, digits, '.', '_' or '-', got '" + label + "'");
        }
    }

    /** Runs the sets, stores the rows, rewrites the section; returns lines for the console. */
    public List<String> run(QuestSettings settings, int threads, Path home, Path docs, String command) {
        List<String> notes = new ArrayList<>();
        Path results = docs.resolve("results");
        if (qa.isEmpty() && summary.isEmpty()) {
            // Nothing to run: the section is written again from the stored runs.
            QualityReport.splice(docs.resolve("RESULTS.md"), QualityStore.readAll(results));
            notes.add("quality: section rewritten from the runs in " + results);
            return notes;
        }
        QualityRun runner = new QualityRun(settings, threads, label);
        List<QaRow> qaRows = new ArrayList<>();
        if (!qa.isEmpty()) {
            Loaded<QaItem> items = QualitySets.qa(sets.resolve("qa.jsonl"), home);
            items.missing().forEach(m -> notes.add("quality: skipped question " + m + ": source not found"));
            for (QualityVariant v : qa) {
                List<QaRow> rows = runner.qa(v, items.items());
                qaRows.addAll(rows);
                notes.add(String.format(Locale.ROOT, "quality qa %s: exact match %d/%d, containment %d/%d", v.name(),
                        rows.stream().filter(QaRow::exact).count(), rows.size(), rows.stream().filter(QaRow::contains).count(), rows.size()));
            }
        }
        List<SummaryRow> summaryRows = new ArrayList<>();
        if (!summary.isEmpty()) {
            Loaded<SummaryItem> items = QualitySets.summaries(sets.resolve("summaries.jsonl"), home);
            items.missing().forEach(m -> notes.add("quality: skipped document " + m + ": source not found"));
            for (QualityVariant v : summary) {
                List<SummaryRow> rows = runner.summaries(v, items.items());
                summaryRows.addAll(rows);
                notes.add(String.format(Locale.ROOT, "quality summaries %s: repeated 4-grams mean %.1f%%, longest copy max %d tokens",
                        v.name(), 100 * rows.stream().mapToDouble(r -> r.metrics().repeated4gramShare()).average().orElse(0),
                        rows.stream().mapToInt(r -> r.metrics().longestCopy()).max().orElse(0)));
            }
        }
        List<String> described = new ArrayList<>();
        qa.forEach(v -> described.add("QA `" + v.name() + "` = " + v.describe()));
        summary.forEach(v -> described.add("summaries `" + v.name() + "` = " + v.describe()));
        String model = Path.of(settings.get("model")).getFileName().toString();
        QualityStore.write(results, new QualityStore.Run(label, command, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                model, described, qaRows, summaryRows));
        QualityReport.splice(docs.resolve("RESULTS.md"), QualityStore.readAll(results));
        notes.add("quality: rows in " + results.resolve("quality-" + label + ".json") + ", section in " + docs.resolve("RESULTS.md"));
        return notes;
    }
}
