package dev.questspark.jobs.eval.quality;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.eval.quality.QualitySets.QaItem;
import dev.questspark.jobs.eval.quality.QualitySets.SummaryItem;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.Tasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs the quality sets through the code the Spark jobs run for each row ({@link RowGenerator} with the answer and
 * summarize tasks), in this JVM, under the job settings overlaid by a {@link QualityVariant}, and scores the output.
 */
public final class QualityRun {
    private static final Logger LOG = LoggerFactory.getLogger(QualityRun.class);

    private final QuestSettings base;
    private final int threads;
    private final String label;

    public QualityRun(QuestSettings base, int threads, String label) {
        this.base = base;
        this.threads = threads;
        this.label = label;
    }

    public List<QaRow> qa(QualityVariant v, List<QaItem> items) {
        // Questions about one document in a row: the document prefix stays in the KV cache, as in the qa job.
        List<QaItem> ordered = items.stream().sorted(Comparator.comparing(QaItem::source)).toList();
        List<QaRow> rows = new ArrayList<>();
        GeneratorSettings gs = settings(v, Tasks.ANSWER);
        try (RowGenerator g = new RowGenerator(gs, model(gs))) {
            for (QaItem q : ordered) {
                long start = System.nanoTime();
                RowResult r = g.process(q.text(), true, q.question());
                String answer = r.ok() ? r.text().strip() : "";
                rows.add(new QaRow(label, v.name(), q.id(), q.source(), q.question(), r.ok() ? answer : r.error(), r.status(),
                        r.ok() && AnswerScore.exactMatch(answer, q.answers()), r.ok() && AnswerScore.contains(answer, q.answers()),
                        r.promptTokens(), r.chunks(), r.chunksTotal(), (System.nanoTime() - start) / 1e9));
                LOG.info("quality qa {} {}: {} -> {}", v.name(), q.id(), q.question(), answer);
            }
        }
        return rows;
    }

    public List<SummaryRow> summaries(QualityVariant v, List<SummaryItem> items) {
        List<SummaryRow> rows = new ArrayList<>();
        GeneratorSettings gs = settings(v, Tasks.SUMMARIZE);
        Supplier<DocumentModel> model = model(gs);
        try (RowGenerator g = new RowGenerator(gs, model)) {
            for (SummaryItem d : items) {
                long start = System.nanoTime();
                RowResult r = g.process(d.text(), true, null);
                String summary = r.ok() ? r.text().strip() : "";
                DocumentModel m = model.get();
                SummaryMetrics metrics = SummaryMetrics.of(m.encode(summary), m.encode(d.text()), summary, d.text());
                rows.add(new SummaryRow(label, v.name(), d.id(), d.source(), r.ok() ? summary : r.error(), r.status(),
                        r.chunks(), r.modelCalls(), metrics, (System.nanoTime() - start) / 1e9));
                LOG.info("quality summary {} {}: {}", v.name(), d.id(), summary);
            }
        }
        return rows;
    }

    private GeneratorSettings settings(QualityVariant v, String task) {
        QuestSettings s = base.with(v.overrides());
        return new GeneratorSettings(s.get("model"), s.get("model-loader", SharedModels.ENGINE_LOADER), task, s.settings(), threads,
                null);
    }

    private static Supplier<DocumentModel> model(GeneratorSettings gs) {
        return () -> SharedModels.get(gs.loaderClass(), new ModelLocation(gs.modelLocation()).requireLocalFile(), gs.threads());
    }
}
