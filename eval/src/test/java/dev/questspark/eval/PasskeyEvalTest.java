package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The passkey grid and the shared-prefill decoding it rests on, on stories260K. */
class PasskeyEvalTest {
    private final Engine engine = TestModels.storiesEngine(1);

    @Test
    void sharedPrefillGreedyEqualsTheEnginesOwnGeneration() {
        int[] prompt = new PasskeyPrompts(engine.tokenizer()).build(300, 0.5, "31415").tokens();
        int[] expected;
        try (DecoderSession s = engine.newSession(QuestConfig.dense(), 320)) {
            s.prefill(prompt);
            expected = s.generate(GenerationConfig.greedy(8), null).tokens();
        }
        try (SharedPrefill prefill = new SharedPrefill(engine, prompt, 16, 8)) {
            int[] first = prefill.greedy(QuestConfig.dense(), 8, engine.tokenizer());
            int[] quest = prefill.greedy(QuestConfig.quest().withTokenBudget(32), 8, engine.tokenizer());
            int[] again = prefill.greedy(QuestConfig.dense(), 8, engine.tokenizer());
            assertArrayEquals(expected, first);
            assertArrayEquals(first, again, "going back to the prompt after a Quest answer restores the dense answer");
            assertEquals(first[0], quest[0], "the first answer token comes from the dense prefill");
        }
    }

    @Test
    void aNewPromptReusesThePrefixItSharesAndMatchesAFreshPrefill() {
        PasskeyPrompts prompts = new PasskeyPrompts(engine.tokenizer());
        int[] a = prompts.build(300, 0.8, "11111").tokens();
        int[] b = prompts.build(300, 0.8, "22222").tokens();
        int shared = 0;
        while (a[shared] == b[shared]) {
            shared++;
        }
        try (SharedPrefill fresh = new SharedPrefill(engine, b, 16, 8);
             SharedPrefill reused = new SharedPrefill(engine, List.of(16), 308)) {
            reused.prefill(a);
            reused.greedy(QuestConfig.quest().withTokenBudget(32), 8, engine.tokenizer()); // leaves decoded tokens behind
            reused.prefill(b);
            assertEquals(shared, reused.reusedTokens(), "the filler before the needle is kept");
            assertTrue(shared > 150, "the prompts share their filler up to the needle: " + shared);
            float[] want = fresh.firstLogits();
            float[] got = reused.firstLogits();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-4f, "logit " + i + " after a prefill in two parts"); // only the chunking differs
            }
            assertArrayEquals(fresh.greedy(QuestConfig.dense(), 8, engine.tokenizer()), reused.greedy(QuestConfig.dense(), 8,
                    engine.tokenizer()));
        }
    }

    @Test
    void everyPageSizeDecodesTheCopiedPrompt() {
        int[] prompt = new PasskeyPrompts(engine.tokenizer()).build(300, 0.3, "27182").tokens();
        try (SharedPrefill prefill = new SharedPrefill(engine, List.of(16, 8, 32), 308)) {
            prefill.prefill(prompt);
            int[] dense = prefill.greedy(QuestConfig.dense(), 8, engine.tokenizer());
            for (int page : new int[] {8, 32}) {
                assertArrayEquals(dense, prefill.greedy(QuestConfig.dense().withPageSize(page), 8, engine.tokenizer()),
                        "dense over the copied keys and values, page size " + page);
                assertEquals(prompt.length, prefill.use(QuestConfig.dense().withPageSize(page)).length(), "use goes back to the prompt");
            }
            long before = prefill.stats(8).steps();
            prefill.greedy(QuestConfig.quest().withPageSize(8).withTokenBudget(64), 8, engine.tokenizer());
            assertTrue(prefill.stats(8).steps() > before, "the page size 8 session counts its own decode steps");
        }
    }

    @Test
    void aFilledCacheKeepsItsPageSize() {
        try (SharedPrefill prefill = new SharedPrefill(engine, new int[] {1, 2, 3}, 16, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> prefill.use(QuestConfig.quest().withPageSize(8).withTokenBudget(64)));
            assertTrue(e.getMessage().contains("page size"), e.getMessage());
        }
    }

    @Test
    void gridGivesOneRowPerCellAndSettingWithConsistentCounters() {
        List<QuestConfig> settings = List.of(QuestConfig.dense().withPageSize(8), QuestConfig.quest().withPageSize(8).withTokenBudget(16),
                QuestConfig.quest().withPageSize(8).withTokenBudget(512), QuestConfig.quest().withPageSize(16).withTokenBudget(32));
        PasskeyEval.Grid grid = new PasskeyEval.Grid(List.of(260, 300), List.of(0.0, 1.0), 2, settings, 6, 42);
        List<PasskeyRow> seen = new ArrayList<>();
        List<PasskeyRow> rows = PasskeyEval.run(engine, grid, seen::add);
        assertEquals(grid.cells() * settings.size(), rows.size());
        assertEquals(rows, seen);
        for (int i = 0; i < rows.size(); i += settings.size()) {
            PasskeyRow dense = rows.get(i);
            PasskeyRow tiny = rows.get(i + 1);
            PasskeyRow wide = rows.get(i + 2);
            assertEquals("dense", dense.attention());
            assertEquals(dense.answer(), wide.answer(), "a budget above the context is dense");
            assertEquals(dense.kvBytesRead(), wide.kvBytesRead());
            assertEquals(dense.kvBytesDense(), tiny.kvBytesDense());
            assertTrue(tiny.kvBytesRead() < tiny.kvBytesDense(), tiny::toString);
            assertEquals(PasskeyPrompts.correct(dense.answer(), dense.key()), dense.correct());
            assertEquals(PasskeyEval.key(42, dense.length(), dense.depth() == 0 ? 0 : 1, dense.trial()), dense.key());
        }
    }

    @Test
    void adaptiveBudgetsAnswerAtTheBudgetOfEachLength() {
        AdaptiveBudget a = new AdaptiveBudget(0.2, 32, 4096, 16);
        PasskeyEval.Grid grid = new PasskeyEval.Grid(List.of(260, 400), List.of(0.5), 1, List.of(QuestConfig.dense()), 4, 1, List.of(a));
        List<PasskeyRow> rows = PasskeyEval.run(engine, grid, r -> { });
        assertEquals(4, rows.size());
        for (PasskeyRow r : rows.subList(0, 2)) {
            assertEquals(r == rows.get(0) ? "dense" : a.label(), r.attention());
        }
        assertEquals(a.budget(260), rows.get(1).budget());
        assertEquals(a.budget(400), rows.get(3).budget());
        assertTrue(rows.get(3).tokensAttended() < rows.get(2).tokensAttended());
    }
}
