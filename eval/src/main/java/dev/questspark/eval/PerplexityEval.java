package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.PagedKvCache;
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
        return score(engine, tokens, quest, null).nlls;
    }

    public static PerplexityRow run(Engine engine, String textName, int[] tokens, QuestConfig quest) {
        Scored s = score(engine, tokens, quest, null);
        return row(textName, s, AttentionGrid.name(quest), AttentionGrid.budget(quest), quest.pageSize());
    }

    /** Perplexity with a budget that follows the context: before each step the cache takes the budget of that context. */
    public static PerplexityRow run(Engine engine, String textName, int[] tokens, AdaptiveBudget adaptive) {
        Scored s = score(engine, tokens, adaptive.at(1), adaptive);
        return row(textName, s, adaptive.label(), adaptive.ceiling(), adaptive.pageSize());
    }

    private static PerplexityRow row(String textName, Scored s, String attention, int budget, int pageSize) {
        double sum = 0;
        for (double v : s.nlls) {
            sum += v;
        }
        return new PerplexityRow(textName, s.nlls.length, attention, budget, pageSize, sum / s.nlls.length, s.use.steps(),
                s.use.tokensAttended(), s.use.kvBytesRead(), s.use.kvBytesDense());
    }

    private record Scored(double[] nlls, AttentionUse use) {}

    /** adaptive (nullable) re-sets the budget before each step from the context that step attends over. */
    private static Scored score(Engine engine, int[] tokens, QuestConfig quest, AdaptiveBudget adaptive) {
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
            PagedKvCache cache = (PagedKvCache) s.kvCache();
            int budget = quest.tokenBudget();
            for (int i = 0; i < nll.length; i++) {
                if (adaptive != null && adaptive.budget(i + 1) != budget) {
                    budget = adaptive.budget(i + 1);
                    cache.setQuest(adaptive.at(i + 1));
                }
                s.decode(tokens[i]);
                nll[i] = LogProbs.nll(s.logits(), tokens[i + 1]);
            }
            return new Scored(nll, AttentionUse.between(before, s.stats().snapshot()));
        }
    }
}
