package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's token-budget-fraction setting (fast: the executor takes each step's budget from one configuration)
 * against its slow twin, the evaluation's {@link AdaptiveBudget#at} set on the cache before every step as
 * {@link PerplexityEval} does. On stories260K, 200 tokens are teacher-forced one at a time after a 300-token prompt.
 */
class AdaptiveBudgetConfigTest {
    private static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high. Lily asked her mom to help her. "
            + "Her mom said yes and they played together all day long. ";
    private static final int PROMPT = 300;
    private static final int STEPS = 200;
    private static Engine engine;
    private static int[] tokens;

    @BeforeAll
    static void load() {
        engine = TestModels.storiesEngine(1);
        List<Integer> all = new ArrayList<>();
        while (all.size() < PROMPT + STEPS) {
            for (int t : engine.encodePrompt(TEXT + "Then " + all.size() + " more birds came. ", false)) {
                all.add(t);
            }
        }
        tokens = all.stream().mapToInt(Integer::intValue).limit(PROMPT + STEPS).toArray();
    }

    private record Run(float[][] logits, AttentionUse use, long pagesSelected) {}

    /** Prefills the prompt, then feeds the rest one token at a time; perStep (nullable) gives the setting of a context. */
    private static Run run(QuestConfig initial, IntFunction<QuestConfig> perStep) {
        float[][] logits = new float[STEPS][];
        try (DecoderSession s = engine.newSession(initial, PROMPT + STEPS)) {
            s.prefill(Arrays.copyOf(tokens, PROMPT));
            AttentionStats before = s.stats().snapshot();
            PagedKvCache cache = (PagedKvCache) s.kvCache();
            for (int i = 0; i < STEPS; i++) {
                int pos = PROMPT + i;
                if (perStep != null) {
                    cache.setQuest(perStep.apply(pos + 1)); // the step attends over pos + 1 tokens, the new one included
                }
                s.decode(tokens[pos]);
                logits[i] = s.logits().clone();
            }
            AttentionStats after = s.stats().snapshot();
            return new Run(logits, AttentionUse.between(before, after), after.pagesSelected() - before.pagesSelected());
        }
    }

    private static void assertTwins(AdaptiveBudget adaptive) {
        Run fast = run(adaptive.config(), null);
        Run slow = run(adaptive.at(PROMPT + 1), adaptive::at);
        // tolerance 0: both select the same pages and split and merge the work in the same units and order
        for (int i = 0; i < STEPS; i++) {
            assertArrayEquals(slow.logits[i], fast.logits[i], 0f, adaptive.label() + " step " + i);
        }
        assertEquals(slow.use, fast.use, "steps, tokens attended, KV bytes read and dense");
        assertEquals(slow.pagesSelected, fast.pagesSelected, "pages selected");
        // the budget really followed the context: a fixed budget at the ceiling attends more
        Run ceiling = run(QuestConfig.quest().withPageSize(adaptive.pageSize()).withTokenBudget(adaptive.ceiling()), null);
        assertTrue(fast.use.tokensAttended() < ceiling.use.tokensAttended(),
                () -> fast.use.tokensAttended() + " tokens attended vs " + ceiling.use.tokensAttended() + " at the ceiling");
    }

    @Test
    void theEngineSettingEqualsSettingEachStepsBudget() {
        // pages of 8: budgets 40 .. 56 tokens over contexts 301 .. 500, the last steps at the ceiling
        assertTwins(new AdaptiveBudget(0.125, 16, 56, 8));
    }

    @Test
    void theEngineSettingEqualsSettingEachStepsBudgetFromTheFloor() {
        // 0.05 x 301 rounds up to the floor of two pages, 0.05 x 500 to four pages
        assertTwins(new AdaptiveBudget(0.05, 16, 1024, 8));
    }

    @Test
    void configIsTheSameRuleAsTheEvaluations() {
        AdaptiveBudget a = new AdaptiveBudget(0.0625, 32, 512, 16);
        QuestConfig c = a.config();
        assertEquals(QuestConfig.quest().withTokenBudget(512).withBudgetFraction(0.0625), c);
        for (int context = 1; context <= 10_000; context += 37) {
            assertEquals(a.budget(context), c.budgetAt(context), "context " + context);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AdaptiveBudget(0.1, 64, 1024, 16).config());
        assertTrue(e.getMessage().contains("floor of two pages") && e.getMessage().contains("64"), e.getMessage());
    }
}
