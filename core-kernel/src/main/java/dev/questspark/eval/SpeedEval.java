package dev.questspark.eval;

import dev.questspark.engine.Engine;
import dev.questspark.engine.EngineBench;
import dev.questspark.quest.QuestConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decode and prefill speed of our engine through {@link EngineBench}, per thread count, context and setting: one
 * prefill per context (its speed is every row's prefill figure), then each setting decodes from the same prompt.
 * The settings must share a page size.
 */
public final class SpeedEval {
    private SpeedEval() {}

    public static List<SpeedRow> run(Path model, List<Integer> threads, List<Integer> contexts, List<QuestConfig> settings,
            int decodeTokens, Consumer<SpeedRow> progress) {
        List<SpeedRow> rows = new ArrayList<>();
        for (int t : threads) {
            try (Engine engine = Engine.load(model, t)) {
                EngineBench.run(engine, QuestConfig.dense(), 64, 8); // warm-up: JIT and page-ins
                for (int context : contexts) {
                    List<EngineBench.Result> results = EngineBench.compare(engine, settings, context, decodeTokens);
                    for (int i = 0; i < settings.size(); i++) {
                        QuestConfig q = settings.get(i);
                        EngineBench.Result r = results.get(i);
                        SpeedRow row = new SpeedRow(SpeedRow.OURS, r.threads(), context, q.attention().configName(),
                                AttentionSettings.budget(q), q.pageSize(), r.prefillTokensPerSecond(), r.decodeTokensPerSecond(),
                                r.decodeMsPerToken(), r.kvReadFraction());
                        rows.add(row);
                        progress.accept(row);
                    }
                }
            }
        }
        return rows;
    }
}
