package dev.questspark.eval;

import dev.questspark.quest.QuestConfig;
import java.util.ArrayList;
import java.util.List;

/** The attention settings an evaluation compares: dense, and Quest at every (budget, page size) pair. */
public final class AttentionGrid {
    private AttentionGrid() {}

    /** Dense first, then Quest at each budget for each page size (other Quest settings at their defaults). */
    public static List<QuestConfig> grid(List<Integer> budgets, List<Integer> pageSizes) {
        List<QuestConfig> out = new ArrayList<>();
        out.add(QuestConfig.dense());
        for (int p : pageSizes) {
            for (int b : budgets) {
                out.add(QuestConfig.quest().withPageSize(p).withTokenBudget(b));
            }
        }
        return out;
    }

    /** Quest as the paper selects pages (no sink pages) at each budget, page size 16: the ablation of sink pages. */
    public static List<QuestConfig> paper(List<Integer> budgets) {
        return budgets.stream().map(b -> QuestConfig.quest().withTokenBudget(b).withSinkPages(0)).toList();
    }

    /** Each variant (a Quest setting other than its budget) at every budget. */
    public static List<QuestConfig> variants(List<QuestConfig> variants, List<Integer> budgets) {
        List<QuestConfig> out = new ArrayList<>();
        for (QuestConfig v : variants) {
            for (int b : budgets) {
                out.add(v.withTokenBudget(b));
            }
        }
        return out;
    }

    /** Quest variants from "spec;spec;..." ({@link #variant} each), or none from "none". */
    public static List<QuestConfig> variantList(String specs) {
        if (specs.strip().equals("none")) {
            return List.of();
        }
        return java.util.Arrays.stream(specs.split(";")).map(String::strip).filter(v -> !v.isEmpty()).map(AttentionGrid::variant).toList();
    }

    /**
     * A Quest variant from "key=value,..." with the keys gqa-policy (shared, per-head),
     * sink-pages, recent-pages, page-size and dense-layers (the settings of the same names); the others stay at {@link QuestConfig#quest()}'s defaults.
     */
    public static QuestConfig variant(String spec) {
        QuestConfig q = QuestConfig.quest();
        for (String kv : spec.split(",")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length != 2 || p[1].isBlank()) {
                throw new IllegalArgumentException("a Quest variant is key=value,... (gqa-policy, sink-pages, recent-pages, rerank-factor, rerank-score, page-size, dense-layers), got '"
                        + spec + "'");
            }
            String v = p[1].trim();
            q = switch (p[0].trim()) {
                case "gqa-policy" -> q.withGqaPolicy(gqaPolicy(v));
                case "sink-pages" -> q.withSinkPages(Integer.parseInt(v));
                case "page-size" -> q.withPageSize(Integer.parseInt(v));
                case "dense-layers" -> q.withDenseLayers(Integer.parseInt(v));
                case "recent-pages" -> q.withRecentPages(Integer.parseInt(v));
                case "rerank-factor" -> q.withRerankFactor(Integer.parseInt(v));
                case "rerank-score" -> q.withRerankScore(rerankScore(v));
                default -> throw new IllegalArgumentException("unknown Quest variant key '" + p[0].trim()
                        + "'; keys are gqa-policy, sink-pages, recent-pages, rerank-factor, rerank-score, page-size, dense-layers");
            };
        }
        return q;
    }

    private static QuestConfig.GqaPolicy gqaPolicy(String v) {
        for (QuestConfig.GqaPolicy g : QuestConfig.GqaPolicy.values()) {
            if (g.configName().equals(v)) {
                return g;
            }
        }
        throw new IllegalArgumentException("gqa-policy must be shared or per-head, got '" + v + "'");
    }

    private static QuestConfig.RerankScore rerankScore(String v) {
        for (QuestConfig.RerankScore r : QuestConfig.RerankScore.values()) {
            if (r.configName().equals(v)) {
                return r;
            }
        }
        throw new IllegalArgumentException("rerank-score must be max or head-relative, got '" + v + "'");
    }

    /**
     * The attention name rows carry: "dense", "quest" (this engine's defaults, sink pages included) or "quest-paper"
     * (Quest without sink pages, the paper's selection), followed by what else differs from the defaults:
     * "-per-head" (gqa-policy), "-sinkN" (N sink pages other than 0 and the default), "-recentN", "-rerankF", "-head-relative" and "-denseN"
     * (recent-pages, rerank-factor, rerank-score, dense-layers).
     */
    public static String name(QuestConfig q) {
        if (q.attention() == QuestConfig.Attention.DENSE) {
            return "dense";
        }
        StringBuilder n = new StringBuilder(q.sinkPages() == 0 && QuestConfig.DEFAULT_SINK_PAGES != 0 ? "quest-paper" : "quest");
        if (q.gqaPolicy() != QuestConfig.GqaPolicy.SHARED) {
            n.append('-').append(q.gqaPolicy().configName());
        }
        if (q.sinkPages() != 0 && q.sinkPages() != QuestConfig.DEFAULT_SINK_PAGES) {
            n.append("-sink").append(q.sinkPages());
        }
        if (q.recentPages() != QuestConfig.DEFAULT_RECENT_PAGES) {
            n.append("-recent").append(q.recentPages());
        }
        if (q.rerankFactor() != QuestConfig.DEFAULT_RERANK_FACTOR) {
            n.append("-rerank").append(q.rerankFactor());
        }
        if (q.rerankScore() != QuestConfig.RerankScore.MAX) {
            n.append('-').append(q.rerankScore().configName());
        }
        if (q.denseLayers() != QuestConfig.DEFAULT_DENSE_LAYERS) {
            n.append("-dense").append(q.denseLayers());
        }
        return n.toString();
    }

    /** "dense" or "quest-b256-p16": the key of a setting in tables and charts. */
    public static String label(QuestConfig q) {
        return q.attention() == QuestConfig.Attention.DENSE ? "dense" : "quest-b" + q.tokenBudget() + "-p" + q.pageSize();
    }

    /** The token budget of a setting as tables report it: 0 for dense. */
    public static int budget(QuestConfig q) {
        return q.attention() == QuestConfig.Attention.DENSE ? 0 : q.tokenBudget();
    }
}
