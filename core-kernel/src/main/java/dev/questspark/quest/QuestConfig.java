package dev.questspark.quest;

import java.io.Serializable;
import java.util.Locale;

/**
 * Attention settings of a {@link PagedKvCache} and the most memory it may take. These are the settings
 * {@code attention}, {@code token-budget}, {@code page-size}, {@code dense-layers}, {@code gqa-policy},
 * {@code sink-pages}, {@code token-budget-fraction}, {@code kv-memory-budget}, {@code recent-pages}, {@code rerank-factor} and
 * {@code rerank-score} of the
 * settings table
 * ({@link dev.questspark.settings.Settings#quest()} makes this record from them); this record holds the rules
 * between them.
 *
 * <p>Sink pages: in many heads the first tokens (BOS and the start of the prompt) are attention sinks that take
 * most of the attention mass while their keys look unremarkable, so their page's upper bound often loses to
 * others and Quest drops it; the softmax then spreads that mass over the wrong tokens (on SmolLM2-135M, passkey
 * retrieval fails at page size 16 even at a budget of 1024 of 8K tokens). Attending the leading pages on every
 * step fixes that. {@code sink-pages=0} is the paper's Quest exactly.
 *
 * <p>Adaptive budget: with {@code token-budget-fraction} f &gt; 0 a decode step over a context of c tokens (the
 * tokens it attends, the new one included) attends {@link #budgetAt}(c) = ceil(f * c) tokens rounded up to whole
 * pages, at least two pages and at most {@code token-budget}, which becomes the ceiling. Longer contexts get
 * proportionally more pages: a fixed budget is generous on short contexts and starved on long ones, while the
 * evaluation (docs/RESULTS.md, "adaptive" rows) compares both at equal average tokens attended. 0 keeps the fixed
 * budget.
 *
 * @param attention   dense attention everywhere, or Quest's page selection on decode steps
 * @param tokenBudget tokens attended per decode step and selection unit (pages = tokenBudget / pageSize,
 *                    the page being filled included); a context that fits in it is attended densely. With an
 *                    adaptive budget (budgetFraction &gt; 0) it is the ceiling of every step's budget
 * @param pageSize    tokens per KV page: 8, 16, 32 or 64
 * @param denseLayers layers [0, denseLayers) always attend densely (the paper keeps the first two dense)
 * @param gqaPolicy   one page selection per KV head shared by its query heads, or one per query head
 * @param sinkPages   pages [0, sinkPages) are attended on every Quest step without being ranked; they count in the
 *                    budget, and at most budgetPages - 1 of them are used (the page being filled is always attended)
 * @param budgetFraction 0 for a fixed budget of tokenBudget tokens, or the share of the context in (0, 1] a decode
 *                    step attends, between two pages and tokenBudget
 * @param kvMemoryBudget most bytes one cache may allocate ({@link PagedKvCacheConfig#memoryBudgetBytes})
 * @param recentPages the pages just before the one being filled, attended on every Quest step without being ranked
 *                    (StreamingLLM's recent window); they count in the budget, after the sink pages
 * @param rerankFactor 0 to rank pages by their key bounds alone; F &gt; 0 to take the F x k pages with the best
 *                    bounds (k the pages left to rank) and keep the k of them whose keys give the highest exact
 *                    score ({@link AttentionKernel#pageMaxLogits}): at 32K a bound over 256 channels ranks pages far
 *                    from their attention mass, an exact score over a few candidates' keys does not; -1 for the
 *                    model's own factor ({@link #forArchitecture}; a cache given -1 ranks by the bounds alone)
 * @param rerankScore how a rerank scores a page when a KV head's query heads share one selection: the largest logit
 *                    over the heads, or each head's largest relative to that head's best candidate
 *                    ({@link RerankScore}; the candidates are then pre-selected by bounds made relative the same way).
 *                    No effect without a rerank, nor with a per-head selection (one head: the same order)
 */
public record QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
        int sinkPages, double budgetFraction, long kvMemoryBudget, int recentPages, int rerankFactor, RerankScore rerankScore)
        implements Serializable {
    public static final int DEFAULT_TOKEN_BUDGET = 1024;
    public static final int DEFAULT_PAGE_SIZE = 16;
    public static final int DEFAULT_DENSE_LAYERS = 2;
    /** The first page (the attention sink) is always attended; 0 gives the paper's selection. */
    public static final int DEFAULT_SINK_PAGES = 1;
    /** No recent pages beyond the one being filled are kept without ranking (the paper's). */
    public static final int DEFAULT_RECENT_PAGES = 0;
    /** Pages ranked by their bounds alone (the paper's). */
    public static final int DEFAULT_RERANK_FACTOR = 0;
    /** rerank-factor -1: the model's own factor, set by {@link #forArchitecture} (the settings table's default). */
    public static final int RERANK_BY_MODEL = -1;
    /**
     * The rerank factor of Gemma 3 models: at 32K, budget 2048, pages of 8, the bounds alone lose 5% of perplexity
     * and a rerank of 4 x the budget's pages loses 0.5%, at a speed within issue 14's lines (docs/gemma3.md).
     */
    public static final int GEMMA3_RERANK_FACTOR = 4;
    /** A fixed budget (the paper's). */
    public static final double DEFAULT_BUDGET_FRACTION = 0;
    /** Bytes one KV cache may take: 4 GiB. */
    public static final long DEFAULT_KV_MEMORY_BUDGET = PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET;

    /** Which attention decode steps use. */
    public enum Attention {
        DENSE, QUEST;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The exact score a rerank gives a candidate page from its tokens' logits, where a KV head's query heads share one
     * selection (each head has its own softmax, so their raw logits are not on one scale).
     */
    public enum RerankScore {
        /** The largest logit q.k of the page's tokens over the group's query heads. */
        MAX,
        /**
         * For each query head, the page's largest logit less that head's largest over all candidates (0 for the page
         * the head attends most); the best over the heads. A head whose logits are large everywhere then no longer
         * outranks the peak of a head that retrieves one token.
         */
        HEAD_RELATIVE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How grouped-query heads choose pages. */
    public enum GqaPolicy {
        /** One selection per KV head; a page's score is the max over the group's query heads. */
        SHARED,
        /** Every query head selects its own pages (reads up to group-size times more pages). */
        PER_HEAD;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public QuestConfig {
        if (attention == null || gqaPolicy == null || rerankScore == null) {
            throw new IllegalArgumentException("attention, gqa-policy and rerank-score must be set");
        }
        if (pageSize != 8 && pageSize != 16 && pageSize != 32 && pageSize != 64) {
            throw new IllegalArgumentException("page-size must be 8, 16, 32 or 64, got " + pageSize);
        }
        if (tokenBudget < 2 * pageSize) {
            throw new IllegalArgumentException("token-budget must be at least two pages (2 x page-size = " + 2 * pageSize
                    + " tokens), got " + tokenBudget);
        }
        if (denseLayers < 0) {
            throw new IllegalArgumentException("dense-layers must be >= 0, got " + denseLayers);
        }
        if (sinkPages < 0) {
            throw new IllegalArgumentException("sink-pages must be >= 0 (0 = the paper's Quest, 1 = keep the first page), got "
                    + sinkPages);
        }
        if (!(budgetFraction == 0 || budgetFraction > 0 && budgetFraction <= 1)) {
            throw new IllegalArgumentException("token-budget-fraction must be 0 (a fixed token-budget) or in (0, 1] (the share of "
                    + "the context attended, token-budget the ceiling), got " + budgetFraction);
        }
        if (kvMemoryBudget <= 0) {
            throw new IllegalArgumentException(PagedKvCacheConfig.MEMORY_BUDGET_SETTING + " must be positive, got " + kvMemoryBudget);
        }
        if (recentPages < 0) {
            throw new IllegalArgumentException("recent-pages must be >= 0 (0 = only the page being filled), got " + recentPages);
        }
        if (rerankFactor < RERANK_BY_MODEL) {
            throw new IllegalArgumentException("rerank-factor must be >= 0 (0 = rank by the bounds alone) or -1 (the model's), got "
                    + rerankFactor);
        }
        budgetFraction = budgetFraction == 0 ? 0.0 : budgetFraction; // -0.0 would make equal settings unequal
    }

    /** The settings reranking by the group's largest logit ({@link RerankScore#MAX}). */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
            int sinkPages, double budgetFraction, long kvMemoryBudget, int recentPages, int rerankFactor) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages,
                rerankFactor, RerankScore.MAX);
    }

    /** The settings ranking pages by their bounds alone. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
            int sinkPages, double budgetFraction, long kvMemoryBudget, int recentPages) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages,
                DEFAULT_RERANK_FACTOR);
    }

    /** The settings without recent pages beyond the one being filled. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
            int sinkPages, double budgetFraction, long kvMemoryBudget) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget,
                DEFAULT_RECENT_PAGES);
    }

    /** The settings with the default KV memory budget. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
            int sinkPages, double budgetFraction) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, DEFAULT_KV_MEMORY_BUDGET);
    }

    /** The settings with the default number of sink pages and a fixed budget. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, DEFAULT_SINK_PAGES);
    }

    /** The settings with a fixed budget. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy, int sinkPages) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, DEFAULT_BUDGET_FRACTION);
    }

    /** Dense attention with the default Quest parameters (so switching to quest needs one setting). */
    public static QuestConfig dense() {
        return new QuestConfig(Attention.DENSE, DEFAULT_TOKEN_BUDGET, DEFAULT_PAGE_SIZE, DEFAULT_DENSE_LAYERS, GqaPolicy.SHARED,
                DEFAULT_SINK_PAGES);
    }

    /**
     * Quest with the paper's defaults (budget 1024, pages of 16, first two layers dense, shared GQA selection) plus
     * the first page always attended ({@link #withSinkPages}(0) for the paper's selection).
     */
    public static QuestConfig quest() {
        return new QuestConfig(Attention.QUEST, DEFAULT_TOKEN_BUDGET, DEFAULT_PAGE_SIZE, DEFAULT_DENSE_LAYERS, GqaPolicy.SHARED,
                DEFAULT_SINK_PAGES);
    }

    public QuestConfig withAttention(Attention a) {
        return new QuestConfig(a, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    public QuestConfig withTokenBudget(int b) {
        return new QuestConfig(attention, b, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    public QuestConfig withPageSize(int p) {
        return new QuestConfig(attention, tokenBudget, p, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    public QuestConfig withDenseLayers(int d) {
        return new QuestConfig(attention, tokenBudget, pageSize, d, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    public QuestConfig withGqaPolicy(GqaPolicy g) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, g, sinkPages, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    public QuestConfig withSinkPages(int s) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, s, budgetFraction, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    /** 0 for a fixed budget, else the share of the context attended per decode step (token-budget the ceiling). */
    public QuestConfig withBudgetFraction(double f) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, f, kvMemoryBudget, recentPages, rerankFactor, rerankScore);
    }

    /** The same settings with another KV memory budget in bytes. */
    public QuestConfig withKvMemoryBudget(long bytes) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, bytes, recentPages, rerankFactor, rerankScore);
    }

    /** The same settings keeping the n pages before the one being filled on every Quest step. */
    public QuestConfig withRecentPages(int n) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget, n, rerankFactor,
                rerankScore);
    }

    /** The same settings reranking the f x k best-bounded pages by their exact scores (0: the bounds alone). */
    public QuestConfig withRerankFactor(int f) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget,
                recentPages, f, rerankScore);
    }

    /** The same settings scoring a rerank's candidates with the given score. */
    public QuestConfig withRerankScore(RerankScore r) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, budgetFraction, kvMemoryBudget,
                recentPages, rerankFactor, r);
    }

    /**
     * These settings for a model of the given GGUF architecture: a rerank factor of {@link #RERANK_BY_MODEL} becomes
     * the model's, {@link #GEMMA3_RERANK_FACTOR} for gemma3 and 0 (the bounds alone, as measured on the default model)
     * for the others; any other factor is kept.
     */
    public QuestConfig forArchitecture(String architecture) {
        if (rerankFactor != RERANK_BY_MODEL) {
            return this;
        }
        return withRerankFactor(architecture.equals("gemma3") ? GEMMA3_RERANK_FACTOR : 0);
    }

    /** Whether the budget follows the context (token-budget-fraction &gt; 0). */
    public boolean adaptive() {
        return budgetFraction > 0;
    }

    /**
     * Most pages attended per decode step and selection unit (the sink pages and the page being filled included):
     * every step's with a fixed budget, the ceiling with an adaptive one.
     */
    public int budgetPages() {
        return tokenBudget / pageSize;
    }

    /**
     * Tokens a decode step over context tokens (the new one included) may attend: tokenBudget for a fixed budget,
     * else ceil(budgetFraction * context) rounded up to whole pages, at least two pages and at most tokenBudget.
     * Quest attends densely while the context fits in it.
     */
    public int budgetAt(int context) {
        if (budgetFraction == 0) {
            return tokenBudget;
        }
        long raw = (long) Math.ceil(budgetFraction * context);
        long pages = (raw + pageSize - 1) / pageSize;
        return (int) Math.max(2L * pageSize, Math.min(tokenBudget, pages * pageSize));
    }

    /** Pages a decode step over context tokens attends: {@link #budgetAt}(context) / pageSize. */
    public int budgetPagesAt(int context) {
        return budgetAt(context) / pageSize;
    }

    /**
     * Sink pages attended on a Quest step with {@code candidates} pages before the one being filled, at the budget
     * ceiling ({@link #sinkPagesUsedAt} gives a step's with an adaptive budget): at most budgetPages - 1 (the page
     * being filled keeps its slot) and at most the candidates there are.
     */
    public int sinkPagesUsed(int candidates) {
        return sinkPagesUsed(candidates, budgetPages());
    }

    /**
     * Sink pages attended on a Quest step over context tokens: at most {@link #budgetPagesAt}(context) - 1 and at most
     * the pages before the one being filled.
     */
    public int sinkPagesUsedAt(int context) {
        return sinkPagesUsed((context - 1) / pageSize, budgetPagesAt(context));
    }

    private int sinkPagesUsed(int candidates, int stepPages) {
        return Math.max(0, Math.min(sinkPages, Math.min(stepPages - 1, candidates)));
    }

    /**
     * Recent pages (those just before the page being filled) attended without ranking on a Quest step over context
     * tokens: at most what the budget leaves after the sink pages and the page being filled, and at most the pages
     * between the sinks and the page being filled.
     */
    public int recentPagesUsedAt(int context) {
        int candidates = (context - 1) / pageSize;
        int sinks = sinkPagesUsedAt(context);
        return Math.max(0, Math.min(recentPages, Math.min(budgetPagesAt(context) - 1 - sinks, candidates - sinks)));
    }
}
