package dev.questspark.eval;

import dev.questspark.quest.QuestConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one evaluation run measures. {@link #full} is the grid of issue 5 (hours on a 2-core machine);
 * {@link #quick} a reduced grid that finishes in minutes.
 *
 * @param model               GGUF file
 * @param passkeyLengths      passkey prompt lengths in tokens
 * @param passkeyDepths       key depths (fractions of the filler)
 * @param passkeyTrials       seeded prompts per (length, depth)
 * @param budgets             Quest token budgets
 * @param pageSizes           Quest page sizes (passkey grid; perplexity and agreement use pplPageSizes)
 * @param answerTokens        greedy tokens per passkey answer
 * @param seed                base seed of the passkeys
 * @param pplText             long real text for perplexity
 * @param pplTokens           most tokens of pplText taken
 * @param pplScored           tokens scored at the end of those (0: all): the rest is prefilled densely once
 * @param pplPageSizes        page sizes of the perplexity and agreement settings
 * @param corpus              directory of .txt documents for the agreement prompts (pplText when absent)
 * @param agreementDocTokens  document tokens per agreement prompt
 * @param agreementTokens     dense greedy tokens each agreement prompt is compared over
 * @param speedContexts       contexts of the speed table
 * @param speedThreads        thread counts of the speed table
 * @param speedBudgets        Quest budgets of the speed table (at each of SPEED_PAGE_SIZES)
 * @param speedDecodeTokens   decoded tokens per speed measurement
 * @param llamaCppDir         bench/llamacpp (the node-llama-cpp script)
 * @param llamaCppRepeats     llama.cpp measurements per context (medians)
 * @param adaptiveBudgets     fixed budgets (page size 16) each compared with an adaptive budget of equal mean tokens attended
 * @param paperBudgets        budgets (page size 16) at which Quest without sink pages, the paper's selection, is also
 *                            measured (passkey, perplexity, agreement)
 * @param variants            further Quest settings (GQA policy, sink pages, page size, dense layers), each measured at every
 *                            budget of budgets (passkey and perplexity)
 */
public record EvalPlan(Path model, List<Integer> passkeyLengths, List<Double> passkeyDepths, int passkeyTrials, List<Integer> budgets,
                       List<Integer> pageSizes, int answerTokens, long seed, Path pplText, int pplTokens, int pplScored, List<Integer> pplPageSizes,
                       Path corpus, int agreementDocTokens, int agreementTokens, List<Integer> speedContexts, List<Integer> speedThreads,
                       List<Integer> speedBudgets, int speedDecodeTokens, Path llamaCppDir, int llamaCppRepeats,
                       List<Integer> adaptiveBudgets, List<Integer> paperBudgets, List<QuestConfig> variants) {
    /** Page sizes of the speed section: the default and the small one the passkey grid finds most accurate. */
    public static final List<Integer> SPEED_PAGE_SIZES = List.of(QuestConfig.DEFAULT_PAGE_SIZE, 8);
    public static final List<Integer> ALL_BUDGETS = List.of(64, 128, 256, 512, 1024);

    /** The grid of issue 5. */
    public static EvalPlan full(Path model, Path pplText, Path corpus, Path llamaCppDir) {
        return new EvalPlan(model, List.of(1024, 2048, 4096, 8192), List.of(0.0, 0.25, 0.5, 0.75, 1.0), 20,
                ALL_BUDGETS, List.of(8, 16, 32), 8, 2024, pplText, 8192, 0, List.of(16), corpus, 4096, 64,
                List.of(512, 1024, 2048, 4096, 8192), List.of(1, 2), ALL_BUDGETS, 64, llamaCppDir, 3, List.of(128, 512),
                List.of(256, 1024), List.of());
    }

    /** A reduced grid that finishes in minutes: short contexts, few trials, fewer settings. */
    public static EvalPlan quick(Path model, Path pplText, Path corpus, Path llamaCppDir) {
        return new EvalPlan(model, List.of(1024, 2048), List.of(0.0, 0.5, 1.0), 2, List.of(64, 128, 256), List.of(8, 16, 32), 8, 2024,
                pplText, 1024, 0, List.of(16), corpus, 1024, 24, List.of(512, 1024, 2048), List.of(1, 2), List.of(64, 256), 16,
                llamaCppDir, 1, List.of(128), List.of(256), List.of());
    }

    /**
     * This plan within a model's context: a passkey length or speed context that leaves no room for the tokens
     * generated after it becomes the longest that does (8192 becomes 8184 for 8 answer tokens on an 8K model).
     */
    public EvalPlan fitTo(int contextLength) {
        List<Integer> lengths = passkeyLengths.stream().map(l -> Math.min(l, contextLength - answerTokens)).distinct().toList();
        List<Integer> contexts = speedContexts.stream().map(c -> Math.min(c, contextLength - speedDecodeTokens - 1)).distinct().toList();
        return new EvalPlan(model, lengths, passkeyDepths, passkeyTrials, budgets, pageSizes, answerTokens, seed, pplText, pplTokens,
                pplScored, pplPageSizes, corpus, agreementDocTokens, agreementTokens, contexts, speedThreads, speedBudgets, speedDecodeTokens,
                llamaCppDir, llamaCppRepeats, adaptiveBudgets, paperBudgets, variants);
    }

    /** Adaptive twins of adaptiveBudgets over the passkey lengths (equal mean budget over the lengths). */
    public List<AdaptiveBudget> passkeyAdaptive() {
        double mean = passkeyLengths.stream().mapToInt(Integer::intValue).average().orElse(1);
        int max = passkeyLengths.stream().mapToInt(Integer::intValue).max().orElse(1) + answerTokens;
        return adaptiveBudgets.stream().map(b -> AdaptiveBudget.matching(b, mean, QuestConfig.DEFAULT_PAGE_SIZE, max)).toList();
    }

    /** Adaptive twins of adaptiveBudgets over a text of the given tokens scored one by one (mean context half of it). */
    public List<AdaptiveBudget> pplAdaptive(int tokens) {
        return pplAdaptive(tokens, tokens);
    }

    /** Adaptive twins of adaptiveBudgets over the last scored of tokens scored one by one (mean context tokens - scored / 2). */
    public List<AdaptiveBudget> pplAdaptive(int tokens, int scored) {
        return adaptiveBudgets.stream().map(b -> AdaptiveBudget.matching(b, tokens - scored / 2.0, QuestConfig.DEFAULT_PAGE_SIZE, tokens))
                .toList();
    }

    public List<QuestConfig> passkeySettings() {
        return withPaper(AttentionGrid.grid(budgets, pageSizes));
    }

    public List<QuestConfig> pplSettings() {
        return withPaper(AttentionGrid.grid(budgets, pplPageSizes));
    }

    private List<QuestConfig> withPaper(List<QuestConfig> grid) {
        List<QuestConfig> out = new java.util.ArrayList<>(grid);
        out.addAll(AttentionGrid.paper(paperBudgets));
        out.addAll(AttentionGrid.variants(variants, budgets));
        return out;
    }

    /** Dense, and Quest at every speed budget with each of {@link #SPEED_PAGE_SIZES}: both sweeps of the trade-off timed. */
    public List<QuestConfig> speedSettings() {
        return AttentionGrid.grid(speedBudgets, SPEED_PAGE_SIZES);
    }
}
