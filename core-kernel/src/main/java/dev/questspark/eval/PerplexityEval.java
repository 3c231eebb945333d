package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;

/**
 * Perplexity the way Quest sees text: token by token, each token one single-token forward pass (the decode path),
 * so every prediction after the budget is made from the pages Quest selects. A blocked prefill would be dense and
 * measure nothing about Quest.
 */
public final class PerplexityEval {
    private PerplexityEval() {}

    /** Negative log-likelihoods (nats) of tokens[1..] given their prefixes, fed one token at a time under quest. */
    public static double[] nlls(Engine engine, int[] tokens, QuestConfig quest) {
        return score(engine, tokens, quest).nlls;
    }

    public static PerplexityRow run(Engine engine, String textName, int[] tokens, QuestConfig quest) {
        Scored s = score(engine, tokens, quest);
        double sum = 0;
        for (double v : s.nlls) {
            sum += v;
        }
        return new PerplexityRow(textName, s.nlls.length, quest.attention().configName(), AttentionSettings.budget(quest),
                quest.pageSize(), sum / s.nlls.length, s.use.tokensAttended(), s.use.kvBytesRead(), s.use.kvBytesDense());
    }

    private record Scored(double[] nlls, AttentionUse use) {}

    private static Scored score(Engine engine, int[] tokens, QuestConfig quest) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + tokens.length);
        }
        double[] nll = new double[tokens.length - 1];
        try (DecoderSession s = engine.newSession(quest, tokens.length)) {
            if (s.capacity() < tokens.length) {
                throw new IllegalArgumentException("a text of " + tokens.length + " tokens exceeds the model's context of "
                        + s.capacity() + "; evaluate a shorter prefix");
            }
            AttentionStats before = s.stats().snapshot();
            for (int i = 0; i < nll.length; i++) {
                s.prefill(new int[] {tokens[i]});
                nll[i] = LogProbs.nll(s.logits(), tokens[i + 1]);
            }
            return new Scored(nll, AttentionUse.between(before, s.stats().snapshot()));
        }
    }
}
