package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Perplexity the way Quest sees text: token by token, each token one single-token forward pass (the decode path),
 * so every prediction after the budget is made from the pages Quest selects. A blocked prefill would be dense and
 * measure nothing about Quest. A long text can instead be scored on its last tokens only ({@link #tail}): the tokens before
 * them prefilled densely once, each scored token still predicted by a decode step over its whole prefix.
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

    /**
     * Perplexity of the last scored tokens of tokens under each setting: tokens [0, n - scored - 1) are prefilled
     * densely once (a prompt, as Quest leaves prefill dense) and copied into a fresh session per setting, which then
     * feeds tokens [n - scored - 1, n - 1) one by one through the decode path, each predicting the next. So every
     * scored prediction attends its whole prefix the way the setting decodes, at the cost of scored decode steps per
     * setting instead of n. Rows come in the order of settings, then adaptive.
     */
    public static List<PerplexityRow> tail(Engine engine, String textName, int[] tokens, int scored, List<QuestConfig> settings,
                                           List<AdaptiveBudget> adaptive, Consumer<PerplexityRow> progress) {
        int from = tokens.length - 1 - scored;
        if (scored < 1 || from < 1) {
            throw new IllegalArgumentException("scoring the last " + scored + " of " + tokens.length + " tokens needs 1 <= scored <= "
                    + (tokens.length - 2) + " (at least one token of prefix)");
        }
        int[] prefix = Arrays.copyOf(tokens, from);
        List<PerplexityRow> rows = new ArrayList<>();
        int basePage = settings.isEmpty() ? QuestConfig.DEFAULT_PAGE_SIZE : settings.get(0).pageSize();
        try (SharedPrefill base = new SharedPrefill(engine, prefix, basePage, tokens.length - from)) {
            for (QuestConfig q : settings) {
                Scored s = scoreCopy(engine, base, tokens, from, q, null);
                rows.add(row(textName, s, AttentionGrid.name(q), AttentionGrid.budget(q), q.pageSize()));
                progress.accept(rows.get(rows.size() - 1));
            }
            for (AdaptiveBudget a : adaptive) {
                Scored s = scoreCopy(engine, base, tokens, from, a.at(from + 1), a);
                rows.add(row(textName, s, a.label(), a.ceiling(), a.pageSize()));
                progress.accept(rows.get(rows.size() - 1));
            }
        }
        return rows;
    }

    /** Scores tokens after from in a new session under quest that starts from a copy of base's prefilled prefix. */
    private static Scored scoreCopy(Engine engine, SharedPrefill base, int[] tokens, int from, QuestConfig quest, AdaptiveBudget adaptive) {
        try (DecoderSession s = engine.newSession(quest, tokens.length)) {
            base.copyTo(s);
            return score(s, tokens, from, quest, adaptive);
        }
    }

    /** adaptive (nullable) re-sets the budget before each step from the context that step attends over. */
    private static Scored score(Engine engine, int[] tokens, QuestConfig quest, AdaptiveBudget adaptive) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + tokens.length);
        }
        try (DecoderSession s = engine.newSession(quest, tokens.length)) {
            if (s.capacity() < tokens.length) {
                throw new IllegalArgumentException("a text of " + tokens.length + " tokens exceeds the model's context of "
                        + s.capacity() + "; evaluate a shorter prefix");
            }
            return score(s, tokens, 0, quest, adaptive);
        }
    }

    /**
     * Feeds tokens [from, n - 1) one by one to s (which holds tokens [0, from)) as decode steps; nll[i] is the negative
     * log-likelihood of tokens[from + 1 + i].
     */
    private static Scored score(DecoderSession s, int[] tokens, int from, QuestConfig quest, AdaptiveBudget adaptive) {
        double[] nll = new double[tokens.length - 1 - from];
        AttentionStats before = s.stats().snapshot();
        PagedKvCache cache = (PagedKvCache) s.kvCache();
        int budget = quest.tokenBudget();
        for (int i = from; i < tokens.length - 1; i++) {
            if (adaptive != null && adaptive.budget(i + 1) != budget) {
                budget = adaptive.budget(i + 1);
                cache.setQuest(adaptive.at(i + 1));
            }
            s.decode(tokens[i]);
            nll[i - from] = LogProbs.nll(s.logits(), tokens[i + 1]);
        }
        return new Scored(nll, AttentionUse.between(before, s.stats().snapshot()));
    }
}
