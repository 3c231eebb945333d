package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decode-path perplexity against a direct computation on stories260K. */
class PerplexityEvalTest {
    private static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high. Lily asked her mom to help her. "
            + "Her mom said yes and they played together all day long.";
    private static Engine engine;
    private static int[] tokens;

    @BeforeAll
    static void load() {
        engine = TestModels.storiesEngine(1);
        tokens = engine.encodePrompt(TEXT, false);
    }

    /** The plain way: a fresh session per prefix, prefilled in one block, scoring the next token from its logits. */
    private static double directMeanNll(int[] t) {
        double sum = 0;
        for (int i = 1; i < t.length; i++) {
            try (DecoderSession s = engine.newSession(QuestConfig.dense(), t.length)) {
                s.prefill(Arrays.copyOf(t, i));
                sum += LogProbs.nll(s.logits(), t[i]); // LogProbs itself: EvalLogProbsTest
            }
        }
        return sum / (t.length - 1);
    }

    @Test
    void densePerplexityEqualsTheDirectComputation() {
        assertTrue(tokens.length > 50, "the text should be long enough: " + tokens.length);
        PerplexityRow row = PerplexityEval.run(engine, "story", tokens, QuestConfig.dense());
        double direct = directMeanNll(tokens);
        assertEquals(tokens.length - 1, row.predicted());
        // the decode path (one token per forward) and blocked prefill round differently; 1e-4 nats is far below
        // any difference between attention settings worth reporting
        assertEquals(direct, row.meanNll(), 1e-4);
        assertEquals(Math.exp(direct), row.perplexity(), 1e-3 * row.perplexity());
        assertTrue(row.perplexity() > 1 && row.perplexity() < 512, () -> "perplexity " + row.perplexity());
    }

    @Test
    void questWithABudgetCoveringTheTextIsExactlyDense() {
        // same page size on both sides: dense attention's page-by-page accumulation order depends on it
        QuestConfig wide = QuestConfig.quest().withPageSize(8).withTokenBudget(256);
        assertArrayEquals(PerplexityEval.nlls(engine, tokens, QuestConfig.dense().withPageSize(8)),
                PerplexityEval.nlls(engine, tokens, wide), 0.0);
    }

    @Test
    void aSmallBudgetChangesPredictionsAndReadsLess() {
        QuestConfig small = QuestConfig.quest().withPageSize(8).withTokenBudget(16);
        PerplexityRow dense = PerplexityEval.run(engine, "story", tokens, QuestConfig.dense());
        PerplexityRow quest = PerplexityEval.run(engine, "story", tokens, small);
        assertNotEquals(dense.meanNll(), quest.meanNll());
        assertTrue(Double.isFinite(quest.meanNll()));
        assertEquals(dense.kvBytesDense(), quest.kvBytesDense());
        assertTrue(quest.kvBytesRead() < dense.kvBytesRead(), () -> quest + " vs " + dense);
        assertTrue(quest.tokensAttended() < dense.tokensAttended());
    }

    @Test
    void adaptiveBudgetCoveringTheContextIsDenseAndASmallOneReadsLess() {
        AdaptiveBudget whole = new AdaptiveBudget(1.0, 16, 4096, 8);
        PerplexityRow full = PerplexityEval.run(engine, "story", tokens, whole);
        PerplexityRow dense = PerplexityEval.run(engine, "story", tokens, QuestConfig.dense().withPageSize(8));
        assertEquals(dense.meanNll(), full.meanNll(), 0.0, "a budget of the whole context is dense at every step");
        PerplexityRow quarter = PerplexityEval.run(engine, "story", tokens, new AdaptiveBudget(0.25, 16, 4096, 8));
        assertTrue(quarter.attention().startsWith("adaptive-f0.25"), quarter.attention());
        assertTrue(quarter.tokensAttended() < full.tokensAttended());
        assertEquals(full.steps(), quarter.steps());
    }

    @Test
    void aTailScoresTheLastTokensAsTheWholeTextDoes() {
        int scored = 20;
        double[] all = PerplexityEval.nlls(engine, tokens, QuestConfig.dense().withPageSize(8));
        double last = Arrays.stream(all, all.length - scored, all.length).average().orElseThrow();
        List<PerplexityRow> rows = PerplexityEval.tail(engine, "story", tokens, scored, List.of(QuestConfig.dense().withPageSize(8)),
                List.of(), r -> { });
        assertEquals(1, rows.size());
        assertEquals(scored, rows.get(0).predicted());
        assertEquals(scored, rows.get(0).steps() / engine.info().layers(), "one decode step per scored token and layer");
        // the prefix is prefilled in blocks instead of token by token: the same rounding allowance as above
        assertEquals(last, rows.get(0).meanNll(), 1e-4);
    }

    @Test
    void aTailUnderQuestIsDenseAtAFullBudgetAndReadsLessAtASmallOne() {
        QuestConfig dense = QuestConfig.dense().withPageSize(8);
        List<PerplexityRow> rows = PerplexityEval.tail(engine, "story", tokens, 16, List.of(dense,
                QuestConfig.quest().withPageSize(8).withTokenBudget(256), QuestConfig.quest().withPageSize(8).withTokenBudget(16)),
                List.of(new AdaptiveBudget(0.25, 16, 4096, 8)), r -> { });
        assertEquals(4, rows.size());
        assertEquals(rows.get(0).meanNll(), rows.get(1).meanNll(), 0.0, "a budget covering the text is dense");
        assertNotEquals(rows.get(0).meanNll(), rows.get(2).meanNll());
        assertTrue(rows.get(2).tokensAttended() < rows.get(0).tokensAttended());
        assertTrue(rows.get(3).attention().startsWith("adaptive"), rows.get(3).attention());
        assertEquals(rows.get(0).steps(), rows.get(3).steps());
    }
}
