package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Output agreement with dense greedy decoding: dense generates a reference greedily; every other setting is then
 * teacher-forced along that reference, recording its own greedy choice and next-token distribution at each step.
 */
public final class AgreementEval {
    private AgreementEval() {}

    /** Rows for every setting but dense (the reference) on one prompt. */
    public static List<AgreementRow> run(Engine engine, String promptName, int[] prompt, int maxTokens, List<QuestConfig> settings) {
        Map<Integer, List<QuestConfig>> groups = PasskeyEval.byPageSize(settings);
        List<Integer> pageSizes = new ArrayList<>(List.of(QuestConfig.DEFAULT_PAGE_SIZE)); // the reference's page size
        pageSizes.addAll(groups.keySet());
        List<AgreementRow> rows = new ArrayList<>();
        try (SharedPrefill prefill = new SharedPrefill(engine, pageSizes, prompt.length + maxTokens)) {
            prefill.prefill(prompt);
            Reference ref = reference(engine, prefill, maxTokens);
            for (List<QuestConfig> group : groups.values()) {
                follow(prefill, promptName, ref, group, rows);
            }
        }
        return rows;
    }

    private static void follow(SharedPrefill prefill, String promptName, Reference ref, List<QuestConfig> settings, List<AgreementRow> rows) {
        for (QuestConfig q : settings) {
            if (q.attention() != QuestConfig.Attention.DENSE) {
                rows.add(follow(prefill, promptName, ref, q));
            }
        }
    }

    private record Reference(int[] tokens, List<double[]> logProbs) {}

    private static Reference reference(Engine engine, SharedPrefill prefill, int maxTokens) {
        DecoderSession s = prefill.use(QuestConfig.dense());
        float[] logits = prefill.firstLogits();
        List<Integer> tokens = new ArrayList<>();
        List<double[]> logProbs = new ArrayList<>();
        while (tokens.size() < maxTokens) {
            int next = Sampler.argmax(logits);
            if (engine.tokenizer().isEndOfGeneration(next)) {
                break;
            }
            tokens.add(next);
            logProbs.add(LogProbs.logSoftmax(logits));
            if (tokens.size() < maxTokens) {
                s.decode(next);
                logits = s.logits();
            }
        }
        return new Reference(tokens.stream().mapToInt(Integer::intValue).toArray(), logProbs);
    }

    private static AgreementRow follow(SharedPrefill prefill, String promptName, Reference ref, QuestConfig q) {
        AttentionStats before = prefill.stats(q.pageSize());
        DecoderSession s = prefill.use(q);
        float[] logits = prefill.firstLogits();
        int n = ref.tokens().length;
        int[] choices = new int[n];
        List<double[]> logProbs = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            choices[t] = Sampler.argmax(logits);
            logProbs.add(LogProbs.logSoftmax(logits));
            if (t + 1 < n) {
                s.decode(ref.tokens()[t]);
                logits = s.logits();
            }
        }
        AttentionUse use = AttentionUse.between(before, prefill.stats(q.pageSize()));
        return new AgreementRow(promptName, n, AttentionGrid.name(q), AttentionGrid.budget(q), q.pageSize(),
                Agreement.matchingPrefix(ref.tokens(), choices), Agreement.meanKl(ref.logProbs(), logProbs), use.tokensAttended(),
                use.kvBytesRead(), use.kvBytesDense());
    }
}
