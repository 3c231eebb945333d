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

    /**
     * The attention name rows carry: "dense", "quest" (this engine's defaults, sink pages included) or "quest-paper"
     * (Quest without sink pages, the paper's selection).
     */
    public static String name(QuestConfig q) {
        if (q.attention() == QuestConfig.Attention.DENSE) {
            return "dense";
        }
        return q.sinkPages() == 0 && QuestConfig.DEFAULT_SINK_PAGES != 0 ? "quest-paper" : "quest";
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
