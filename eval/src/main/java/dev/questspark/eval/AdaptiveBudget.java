package dev.questspark.eval;

import dev.questspark.quest.QuestConfig;
import java.util.Locale;

/**
 * A token budget that grows with the context: {@code clamp(fraction * context, floor, ceiling)}, rounded up to whole
 * pages. It answers the question whether K should grow with the context: compared with a fixed budget at equal
 * average tokens attended, it moves budget from short contexts to long ones. Applied per decode step through
 * {@link dev.questspark.quest.PagedKvCache#setQuest} with {@link #at(int)}.
 *
 * @param fraction share of the context attended, in (0, 1]
 * @param floor    smallest budget (at least two pages, as Quest requires)
 * @param ceiling  largest budget
 * @param pageSize Quest page size
 */
public record AdaptiveBudget(double fraction, int floor, int ceiling, int pageSize) {
    public AdaptiveBudget {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("adaptive budget fraction must be in (0, 1], got " + fraction);
        }
        if (floor < 2 * pageSize || ceiling < floor) {
            throw new IllegalArgumentException("adaptive budget needs 2 x page-size (" + 2 * pageSize + ") <= floor <= ceiling, got floor "
                    + floor + " and ceiling " + ceiling);
        }
    }

    /**
     * The adaptive budget spending, on average over contexts whose mean is meanContext, the tokens a fixed budget
     * spends (the comparison at equal average tokens attended); floor two pages, no ceiling below maxContext.
     */
    public static AdaptiveBudget matching(int fixedBudget, double meanContext, int pageSize, int maxContext) {
        return new AdaptiveBudget(Math.min(1.0, fixedBudget / meanContext), 2 * pageSize, Math.max(2 * pageSize, maxContext), pageSize);
    }

    /** The budget at a context of the given tokens. */
    public int budget(int context) {
        long raw = (long) Math.ceil(fraction * context);
        long pages = (raw + pageSize - 1) / pageSize;
        return (int) Math.max(floor, Math.min(ceiling, pages * pageSize));
    }

    /** Quest at this context's budget (other settings at their defaults). */
    public QuestConfig at(int context) {
        return QuestConfig.quest().withPageSize(pageSize).withTokenBudget(budget(context));
    }

    /**
     * The engine setting doing what {@link #at} does step by step: Quest with token-budget = ceiling and
     * token-budget-fraction = fraction (other settings at their defaults). The engine's floor is two pages.
     */
    public QuestConfig config() {
        if (floor != 2 * pageSize) {
            throw new IllegalStateException("the engine's adaptive budget has a floor of two pages (" + 2 * pageSize
                    + " tokens at page-size " + pageSize + "), this one has floor " + floor
                    + "; use at(context) per step for other floors");
        }
        return QuestConfig.quest().withPageSize(pageSize).withTokenBudget(ceiling).withBudgetFraction(fraction);
    }

    /** "adaptive-f0.0625": the attention name of this policy in result tables. */
    public String label() {
        return String.format(Locale.ROOT, "adaptive-f%.4f", fraction);
    }
}
