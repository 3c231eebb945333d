package dev.questspark.jobs.model;

import dev.questspark.quest.QuestConfig;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decode attention of a decoder: dense, or Quest with a token budget over pages of pageSize tokens from layer
 * denseLayers on, the first sinkPages pages attended on every step; with budgetFraction &gt; 0 each step attends that
 * share of its context, tokenBudget the ceiling (0: a fixed budget). gqaPolicy is passed to the engine as given
 * (null: the engine's default).
 */
public record AttentionSettings(String mode, int tokenBudget, int pageSize, int denseLayers, String gqaPolicy,
        int sinkPages, double budgetFraction) implements Serializable {
    public static final String DENSE = "dense";
    public static final String QUEST = "quest";

    public AttentionSettings {
        mode = mode == null ? DENSE : mode.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(DENSE) && !mode.equals(QUEST)) {
            throw new IllegalArgumentException("attention must be dense or quest, got '" + mode + "'");
        }
        if (tokenBudget < 1 || pageSize < 1 || denseLayers < 0) {
            throw new IllegalArgumentException("token budget and page size must be positive and dense layers not negative, got "
                    + tokenBudget + ", " + pageSize + ", " + denseLayers);
        }
        if (sinkPages < 0) {
            throw new IllegalArgumentException("sink pages must not be negative (0: the paper's Quest), got " + sinkPages);
        }
        if (!(budgetFraction == 0 || budgetFraction > 0 && budgetFraction <= 1)) {
            throw new IllegalArgumentException("token budget fraction must be 0 (a fixed budget) or in (0, 1], got " + budgetFraction);
        }
        gqaPolicy = gqaPolicy == null || gqaPolicy.isBlank() ? null : gqaPolicy.trim();
    }

    /** Settings with a fixed token budget. */
    public AttentionSettings(String mode, int tokenBudget, int pageSize, int denseLayers, String gqaPolicy, int sinkPages) {
        this(mode, tokenBudget, pageSize, denseLayers, gqaPolicy, sinkPages, QuestConfig.DEFAULT_BUDGET_FRACTION);
    }

    public boolean quest() {
        return mode.equals(QUEST);
    }

    /** The settings under the names the engine's QuestConfig reads (attention, token-budget, ...). */
    public Map<String, String> asSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("attention", mode);
        m.put("token-budget", Integer.toString(tokenBudget));
        m.put("page-size", Integer.toString(pageSize));
        m.put("dense-layers", Integer.toString(denseLayers));
        if (gqaPolicy != null) {
            m.put("gqa-policy", gqaPolicy);
        }
        m.put("sink-pages", Integer.toString(sinkPages));
        m.put("token-budget-fraction", QuestConfig.formatFraction(budgetFraction));
        return m;
    }

    /** The budget as reported in output rows: null for dense attention, which has none. */
    public Integer reportedBudget() {
        return quest() ? tokenBudget : null;
    }
}
