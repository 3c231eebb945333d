package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The adaptive budget rule: a share of the context, rounded up to pages, within a floor and a ceiling. */
class AdaptiveBudgetEvalTest {
    @Test
    void budgetIsAShareOfTheContextInWholePagesWithinItsBounds() {
        AdaptiveBudget a = new AdaptiveBudget(0.125, 64, 1024, 16);
        assertEquals(64, a.budget(100), "floor");
        assertEquals(128, a.budget(1024));
        assertEquals(144, a.budget(1025), "rounded up to a whole page");
        assertEquals(1024, a.budget(32768), "ceiling");
        assertEquals(128, a.at(1024).tokenBudget());
        assertEquals(16, a.at(1024).pageSize());
    }

    @Test
    void matchingSpendsTheFixedBudgetOnAverage() {
        AdaptiveBudget a = AdaptiveBudget.matching(256, 3840, 16, 8200);
        assertEquals(256 / 3840.0, a.fraction(), 1e-12);
        double mean = (a.budget(1024) + a.budget(2048) + a.budget(4096) + a.budget(8192)) / 4.0;
        assertEquals(256, mean, 16, "within a page of the fixed budget");
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBudget(0, 64, 1024, 16));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBudget(0.1, 16, 1024, 16));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBudget(0.1, 64, 32, 16));
    }
}
