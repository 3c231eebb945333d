package dev.questspark.eval;

import dev.questspark.engine.Engine;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Passkey retrieval over a grid of lengths, depths and seeded trials. Every cell's prompt is prefilled once (its keys
 * and values copied to every page size) and answered greedily under each attention setting, so all settings see the
 * same prompt and the same dense first token.
 */
public final class PasskeyEval {
    /**
     * @param lengths      prompt lengths in tokens
     * @param depths       key positions as fractions of the filler
     * @param trials       seeded prompts per (length, depth)
     * @param settings     attention settings (dense and Quest budgets x page sizes)
     * @param answerTokens greedy tokens generated per answer
     * @param seed         base seed of the keys
     * @param adaptive     adaptive budgets, each answered at the budget it gives the cell's prompt length
     */
    public record Grid(List<Integer> lengths, List<Double> depths, int trials, List<QuestConfig> settings, int answerTokens,
                       long seed, List<AdaptiveBudget> adaptive) {
        public Grid(List<Integer> lengths, List<Double> depths, int trials, List<QuestConfig> settings, int answerTokens, long seed) {
            this(lengths, depths, trials, settings, answerTokens, seed, List.of());
        }

        public int cells() {
            return lengths.size() * depths.size() * trials;
        }
    }

    private PasskeyEval() {}

    /** The key of one cell: a function of the base seed and the cell only, so reruns and subsets agree. */
    public static String key(long seed, int length, int depthIndex, int trial) {
        long s = seed;
        for (long v : new long[] {length, depthIndex, trial}) {
            s = s * 1_000_003L + v;
        }
        return PasskeyPrompts.key(s);
    }

    /** The filler phase of a trial: seeded like the keys, the same for every depth of the trial. */
    public static int phase(long seed, int length, int trial, int unitTokens) {
        return new java.util.SplittableRandom(seed * 31 + length * 1_000_003L + trial).nextInt(unitTokens);
    }

    public static List<PasskeyRow> run(Engine engine, Grid grid, Consumer<PasskeyRow> progress) {
        PasskeyPrompts prompts = new PasskeyPrompts(engine.tokenizer());
        List<PasskeyRow> rows = new ArrayList<>();
        for (int length : grid.lengths()) {
            Map<Integer, List<Labeled>> byPage = new LinkedHashMap<>();
            for (QuestConfig q : grid.settings()) {
                byPage.computeIfAbsent(q.pageSize(), k -> new ArrayList<>()).add(new Labeled(AttentionGrid.name(q), q));
            }
            for (AdaptiveBudget a : grid.adaptive()) {
                byPage.computeIfAbsent(a.pageSize(), k -> new ArrayList<>()).add(new Labeled(a.label(), a.at(length)));
            }
            // trials in the outer loop: a trial's prompts share their filler (same phase) up to the needle, so each
            // depth reuses the previous depth's prefix instead of prefilling it again
            try (SharedPrefill prefill = new SharedPrefill(engine, List.copyOf(byPage.keySet()), length + grid.answerTokens())) {
                for (int trial = 0; trial < grid.trials(); trial++) {
                    int phase = phase(grid.seed(), length, trial, prompts.unitTokens());
                    for (int d = 0; d < grid.depths().size(); d++) {
                        PasskeyPrompt prompt = prompts.build(length, grid.depths().get(d), key(grid.seed(), length, d, trial), phase);
                        prefill.prefill(prompt.tokens());
                        for (List<Labeled> group : byPage.values()) {
                            for (Labeled l : group) {
                                PasskeyRow row = answer(engine, prefill, prompt, trial, l, grid.answerTokens());
                                rows.add(row);
                                progress.accept(row);
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** A setting and the attention name its rows carry. */
    private record Labeled(String attention, QuestConfig quest) {}

    private static PasskeyRow answer(Engine engine, SharedPrefill prefill, PasskeyPrompt prompt, int trial, Labeled l, int answerTokens) {
        QuestConfig q = l.quest();
        AttentionStats before = prefill.stats(q.pageSize());
        int[] tokens = prefill.greedy(q, answerTokens, engine.tokenizer());
        AttentionUse use = AttentionUse.between(before, prefill.stats(q.pageSize()));
        String answer = engine.tokenizer().decode(tokens);
        return new PasskeyRow(prompt.tokens().length, prompt.depth(), trial, l.attention(), AttentionGrid.budget(q), q.pageSize(),
                PasskeyPrompts.correct(answer, prompt.key()), prompt.key(), answer, use.steps(), use.tokensAttended(), use.kvBytesRead(),
                use.kvBytesDense());
    }

    /** Settings grouped by page size, in first-seen order (dense rides with the page size it names). */
    static Map<Integer, List<QuestConfig>> byPageSize(List<QuestConfig> settings) {
        Map<Integer, List<QuestConfig>> out = new LinkedHashMap<>();
        for (QuestConfig q : settings) {
            out.computeIfAbsent(q.pageSize(), k -> new ArrayList<>()).add(q);
        }
        return out;
    }
}
