package dev.questspark.quest;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Attention settings of a {@link PagedKvCache}. The names used in maps, property files, the CLI and Spark params
 * are {@code attention}, {@code token-budget}, {@code page-size}, {@code dense-layers}, {@code gqa-policy} and
 * {@code sink-pages}.
 *
 * <p>Sink pages: in many heads the first tokens (BOS and the start of the prompt) are attention sinks that take
 * most of the attention mass while their keys look unremarkable, so their page's upper bound often loses to
 * others and Quest drops it; the softmax then spreads that mass over the wrong tokens (on SmolLM2-135M, passkey
 * retrieval fails at page size 16 even at a budget of 1024 of 8K tokens). Attending the leading pages on every
 * step fixes that. {@code sink-pages=0} is the paper's Quest exactly.
 *
 * @param attention   dense attention everywhere, or Quest's page selection on decode steps
 * @param tokenBudget tokens attended per decode step and selection unit (pages = tokenBudget / pageSize,
 *                    the page being filled included); a context that fits in it is attended densely
 * @param pageSize    tokens per KV page: 8, 16, 32 or 64
 * @param denseLayers layers [0, denseLayers) always attend densely (the paper keeps the first two dense)
 * @param gqaPolicy   one page selection per KV head shared by its query heads, or one per query head
 * @param sinkPages   pages [0, sinkPages) are attended on every Quest step without being ranked; they count in the
 *                    budget, and at most budgetPages - 1 of them are used (the page being filled is always attended)
 */
public record QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy,
        int sinkPages) {
    public static final int DEFAULT_TOKEN_BUDGET = 1024;
    public static final int DEFAULT_PAGE_SIZE = 16;
    public static final int DEFAULT_DENSE_LAYERS = 2;
    /** The first page (the attention sink) is always attended; 0 gives the paper's selection. */
    public static final int DEFAULT_SINK_PAGES = 1;

    /** Which attention decode steps use. */
    public enum Attention {
        DENSE, QUEST;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
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
        if (attention == null || gqaPolicy == null) {
            throw new IllegalArgumentException("attention and gqa-policy must be set");
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
    }

    /** The settings with the default number of sink pages. */
    public QuestConfig(Attention attention, int tokenBudget, int pageSize, int denseLayers, GqaPolicy gqaPolicy) {
        this(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, DEFAULT_SINK_PAGES);
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
        return new QuestConfig(a, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages);
    }

    public QuestConfig withTokenBudget(int b) {
        return new QuestConfig(attention, b, pageSize, denseLayers, gqaPolicy, sinkPages);
    }

    public QuestConfig withPageSize(int p) {
        return new QuestConfig(attention, tokenBudget, p, denseLayers, gqaPolicy, sinkPages);
    }

    public QuestConfig withDenseLayers(int d) {
        return new QuestConfig(attention, tokenBudget, pageSize, d, gqaPolicy, sinkPages);
    }

    public QuestConfig withGqaPolicy(GqaPolicy g) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, g, sinkPages);
    }

    public QuestConfig withSinkPages(int s) {
        return new QuestConfig(attention, tokenBudget, pageSize, denseLayers, gqaPolicy, s);
    }

    /** Pages attended per decode step and selection unit, the sink pages and the page being filled included. */
    public int budgetPages() {
        return tokenBudget / pageSize;
    }

    /**
     * Sink pages attended on a Quest step with {@code candidates} pages before the one being filled: at most
     * budgetPages - 1 (the page being filled keeps its slot) and at most the candidates there are.
     */
    public int sinkPagesUsed(int candidates) {
        return Math.max(0, Math.min(sinkPages, Math.min(budgetPages() - 1, candidates)));
    }

    /**
     * Reads the settings named above from a map (values as strings or numbers); absent keys keep the defaults
     * of {@link #dense()}. Unknown keys are ignored so one map can carry other settings too.
     */
    public static QuestConfig fromMap(Map<String, ?> values) {
        QuestConfig c = dense();
        Object a = values.get("attention");
        if (a != null) {
            c = c.withAttention(parseEnum(Attention.class, "attention", a.toString()));
        }
        Object g = values.get("gqa-policy");
        if (g != null) {
            c = c.withGqaPolicy(parseEnum(GqaPolicy.class, "gqa-policy", g.toString()));
        }
        int budget = intValue(values, "token-budget", c.tokenBudget);
        int page = intValue(values, "page-size", c.pageSize);
        int dense = intValue(values, "dense-layers", c.denseLayers);
        int sink = intValue(values, "sink-pages", c.sinkPages);
        return new QuestConfig(c.attention, budget, page, dense, c.gqaPolicy, sink);
    }

    /** {@link #fromMap} over properties whose names start with prefix (for example {@code "quest."} or ""). */
    public static QuestConfig fromProperties(Properties props, String prefix) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                m.put(name.substring(prefix.length()), props.getProperty(name));
            }
        }
        return fromMap(m);
    }

    /** The settings as the map {@link #fromMap} reads. */
    public Map<String, String> toMap() {
        return Map.of("attention", attention.configName(), "token-budget", Integer.toString(tokenBudget),
                "page-size", Integer.toString(pageSize), "dense-layers", Integer.toString(denseLayers),
                "gqa-policy", gqaPolicy.configName(), "sink-pages", Integer.toString(sinkPages));
    }

    private static int intValue(Map<String, ?> values, String key, int fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String text) {
        String norm = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : "|").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException(key + " must be " + allowed + ", got '" + text + "'");
    }
}
