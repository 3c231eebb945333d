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
 * prefill per context and page size (its speed is the prefill figure of that prefill's rows), then each setting of
 * that page size decodes from the same prompt.
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
                    for (List<QuestConfig> group : PasskeyEval.byPageSize(settings).values()) {
                        List<EngineBench.Result> results = EngineBench.compare(engine, group, context, decodeTokens);
                        for (int i = 0; i < group.size(); i++) {
                            QuestConfig q = group.get(i);
                            EngineBench.Result r = results.get(i);
                            SpeedRow row = new SpeedRow(SpeedRow.OURS, r.threads(), context, q.attention().configName(),
                                    AttentionGrid.budget(q), q.pageSize(), r.prefillTokensPerSecond(), r.decodeTokensPerSecond(),
                                    r.decodeMsPerToken(), r.kvReadFraction());
                            rows.add(row);
                            progress.accept(row);
                        }
                    }
                }
            }
        }
        return rows;
    }
}
