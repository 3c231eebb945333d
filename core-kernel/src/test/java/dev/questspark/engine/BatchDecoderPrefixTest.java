package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.HeadPages;
import dev.questspark.quest.KvMemoryBudget;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Shared prefixes in a {@link BatchDecoder} (stories260K, pages of 8, Quest budget 32): prompts and documents that
 * start like a context the batch holds (running, or finished and kept) copy its KV entries and prefill only the rest.
 * The twin is the
 * same batch with sharing off (every prompt prefilled whole) and each prompt decoded alone; all three give the same
 * tokens, text and finish reason (exact: the copied entries are the prefill's bytes), and a bad prompt fails alone.
 */
class BatchDecoderPrefixTest {
    private static final int CONTEXT = 512;
    private static final QuestConfig QUEST = QuestConfig.quest().withPageSize(8).withTokenBudget(32);

    private static Engine engine() {
        return TestModels.storiesEngine(2);
    }

    private static BatchDecoder decoder(Engine e, QuestConfig quest, int batchSize, boolean share) {
        return new BatchDecoder(e.model(), e.tokenizer(), quest, CONTEXT, batchSize, e.threads(),
                new KvMemoryBudget(PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET), EngineSettings.prefillBlock(), share);
    }

    private static int[] soup(Engine e, Random rnd, int n) {
        int[] t = new int[n];
        t[0] = e.tokenizer().bos();
        for (int i = 1; i < n; i++) {
            t[i] = 3 + rnd.nextInt(e.model().config().vocabSize() - 3);
        }
        return t;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Prompts over two base texts: the base and a suffix (questions), a cut of the base and a suffix, the base
     * exactly twice, the base cut one token short and one page short (prefixes of the others), and unrelated ones.
     */
    private static List<int[]> prompts(Engine e, Random rnd) {
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            int[] base = soup(e, rnd, 90 + 61 * b);
            for (int q = 0; q < 4; q++) {
                out.add(concat(base, Arrays.copyOfRange(soup(e, rnd, 2 + rnd.nextInt(20)), 1, 2 + q)));
            }
            out.add(concat(Arrays.copyOf(base, 37 + b), soup(e, rnd, 30)));
            out.add(base);
            out.add(base.clone());
            out.add(Arrays.copyOf(base, base.length - 1));
            out.add(Arrays.copyOf(base, base.length - 8));
            out.add(soup(e, rnd, 5 + rnd.nextInt(60)));
        }
        return out;
    }

    private static List<BatchRequest> requests(List<int[]> prompts, Random rnd) {
        List<BatchRequest> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            GenerationConfig cfg = i % 7 == 3 ? new GenerationConfig(12, 0.9f, 40, 0.95f, 500 + i, List.of())
                    : GenerationConfig.greedy(4 + rnd.nextInt(30));
            out.add(new BatchRequest(prompts.get(i), cfg));
        }
        return out;
    }

    private static void assertSame(GenerationResult want, BatchOutcome got, String where) {
        assertNull(got.error(), () -> where + " failed: " + got.error());
        assertArrayEquals(want.tokens(), got.result().tokens(), where + " tokens");
        assertEquals(want.text(), got.result().text(), where + " text");
        assertEquals(want.finishReason(), got.result().finishReason(), where + " finish reason");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "quest"})
    void sharedPrefixesGiveTheTokensOfPrefillingEveryPromptWhole(String attention) {
        QuestConfig quest = attention.equals("dense") ? QuestConfig.dense() : QUEST;
        Engine e = engine();
        Random rnd = new Random(11);
        List<BatchRequest> reqs = requests(prompts(e, rnd), rnd);
        List<GenerationResult> alone = new ArrayList<>();
        for (BatchRequest r : reqs) {
            try (DecoderSession s = e.newSession(quest, CONTEXT)) {
                s.prefill(r.prompt());
                alone.add(s.generate(r.config(), null));
            }
        }
        for (int b : new int[] {1, 8}) {
            for (boolean share : new boolean[] {true, false}) {
                try (BatchDecoder d = decoder(e, quest, b, share)) {
                    List<BatchOutcome> got = d.generateAll(reqs);
                    for (int i = 0; i < reqs.size(); i++) {
                        assertSame(alone.get(i), got.get(i), attention + " batch " + b + " share " + share + " request " + i);
                    }
                    BatchStats st = d.stats();
                    if (share) { // at batch size 1 from the finished contexts it keeps
                        assertTrue(st.reusedPrefixTokens() > 0, "prompts shared prefixes: " + st);
                    }
                    if (!share) {
                        assertEquals(0, st.reusedPrefixTokens(), "sharing off copies nothing: " + st);
                    }
                    assertTrue(st.reusedPrefixTokens() < st.prefillTokens(), st.toString());
                }
            }
        }
    }

    @Test
    void documentsAndTheirQuestionsSharePrefixesAsTheyWouldBePrefilledAlone() {
        Engine e = engine();
        Random rnd = new Random(5);
        int[] base = soup(e, rnd, 140);
        // documents that share the base's first tokens (chunks chosen per question), each continued by a question
        int[][] docs = {concat(Arrays.copyOf(base, 60), soup(e, rnd, 50)), concat(base, soup(e, rnd, 9)),
                concat(Arrays.copyOf(base, 100), soup(e, rnd, 70)), Arrays.copyOf(base, 17)};
        List<int[]> questions = new ArrayList<>();
        List<BatchRequest> reqs = new ArrayList<>();
        try (BatchDecoder d = decoder(e, QUEST, 4, true)) {
            List<SharedDocument> shared = new ArrayList<>();
            for (int[] doc : docs) {
                shared.add(d.document(doc));
            }
            reqs.add(new BatchRequest(concat(base, soup(e, rnd, 4)), GenerationConfig.greedy(20))); // a plain prompt first
            for (int i = 0; i < 8; i++) {
                int[] q = Arrays.copyOfRange(soup(e, rnd, 3 + i), 1, 3 + i);
                questions.add(q);
                reqs.add(new BatchRequest(shared.get(i % docs.length), q, GenerationConfig.greedy(6 + 3 * i)));
            }
            List<BatchOutcome> got = d.generateAll(reqs);
            shared.forEach(SharedDocument::close);
            for (int i = 0; i < reqs.size(); i++) {
                GenerationResult want;
                try (DecoderSession s = e.newSession(QUEST, CONTEXT)) {
                    if (i == 0) {
                        s.prefill(reqs.get(0).prompt());
                    } else {
                        s.prefill(docs[(i - 1) % docs.length]);
                        s.prefill(questions.get(i - 1));
                    }
                    want = s.generate(reqs.get(i).config(), null);
                }
                assertSame(want, got.get(i), "request " + i);
            }
            assertTrue(d.stats().reusedPrefixTokens() >= 60 + 100 + 17, "the documents copied the base: " + d.stats());
        }
    }

    @Test
    void aBadPromptAfterASharedPrefixFailsAloneAndTheOthersFinish() {
        Engine e = engine();
        Random rnd = new Random(3);
        int[] base = soup(e, rnd, 120);
        List<BatchRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reqs.add(new BatchRequest(concat(base, soup(e, rnd, 2 + i)), GenerationConfig.greedy(10 + i)));
        }
        reqs.add(2, new BatchRequest(concat(base, new int[] {5, 100_000}), GenerationConfig.greedy(4)));
        reqs.add(4, new BatchRequest(concat(base, new int[CONTEXT]), GenerationConfig.greedy(4)));
        try (BatchDecoder d = decoder(e, QUEST, 3, true)) {
            List<BatchOutcome> got = d.generateAll(reqs);
            assertEquals(reqs.size(), got.size());
            assertTrue(got.get(2).error().getMessage().contains("100000"), String.valueOf(got.get(2).error()));
            assertInstanceOf(ContextOverflowException.class, got.get(4).error());
            for (int i = 0; i < reqs.size(); i++) {
                if (i == 2 || i == 4) {
                    continue;
                }
                try (DecoderSession s = e.newSession(QUEST, CONTEXT)) {
                    s.prefill(reqs.get(i).prompt());
                    assertSame(s.generate(reqs.get(i).config(), null), got.get(i), "request " + i);
                }
            }
            assertTrue(d.stats().reusedPrefixTokens() > 0, d.stats().toString());
        }
    }

    @Test
    void keptContextsGiveTheirMemoryBackWhenARequestNeedsIt() {
        Engine e = engine();
        Random rnd = new Random(21);
        int[] base = soup(e, rnd, 100);
        var c = e.model().config();
        long perSequence = PagedKvCache.bytesRequired(new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(),
                c.headDim(), 160, QUEST, PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET));
        KvMemoryBudget budget = new KvMemoryBudget(2 * perSequence + perSequence / 2); // two sequences, not three
        List<BatchRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            reqs.add(new BatchRequest(concat(base, soup(e, rnd, 2 + i)), GenerationConfig.greedy(40)));
        }
        try (BatchDecoder d = new BatchDecoder(e.model(), e.tokenizer(), QUEST, CONTEXT, 4, e.threads(), budget,
                EngineSettings.prefillBlock(), true)) {
            List<BatchOutcome> got = d.generateAll(reqs);
            for (int i = 0; i < reqs.size(); i++) {
                try (DecoderSession s = e.newSession(QUEST, CONTEXT)) {
                    s.prefill(reqs.get(i).prompt());
                    assertSame(s.generate(reqs.get(i).config(), null), got.get(i), "request " + i);
                }
            }
            assertTrue(d.stats().reusedPrefixTokens() >= 99, "requests copied the base: " + d.stats());
            assertTrue(d.stats().meanBatchSize() <= 2 + 1e-9, "more than two sequences ran at once: " + d.stats());
        }
        assertEquals(0, budget.used(), "kept contexts gave their memory back at close");
    }

    @Test
    void aCopiedPrefixLeavesTheCacheAndLogitsOfAWholePrefill() {
        Engine e = engine();
        Random rnd = new Random(9);
        int[] prompt = soup(e, rnd, 203);
        try (DecoderSession whole = e.newSession(QUEST, CONTEXT); DecoderSession source = e.newSession(QUEST, CONTEXT)) {
            whole.prefill(prompt);
            source.prefill(concat(Arrays.copyOf(prompt, 150), soup(e, rnd, 40)));
            for (int len : new int[] {1, 8, 77, 150}) {
                try (DecoderSession copy = e.newSession(QUEST, CONTEXT)) {
                    assertTrue(copy.canCopyPrefix(source));
                    copy.copyPrefix(source, len);
                    copy.prefill(Arrays.copyOfRange(prompt, len, prompt.length));
                    assertArrayEquals(whole.logits(), copy.logits(), "logits after copying " + len);
                    PagedKvCache a = (PagedKvCache) whole.kvCache();
                    PagedKvCache b = (PagedKvCache) copy.kvCache();
                    for (int layer = 0; layer < a.config().layers(); layer++) {
                        for (int h = 0; h < a.config().kvHeads(); h++) {
                            HeadPages x = a.pages(layer, h);
                            HeadPages y = b.pages(layer, h);
                            for (int t = 0; t < prompt.length; t++) {
                                for (int c = 0; c < x.headDim(); c++) {
                                    assertEquals(x.key(t, c), y.key(t, c), 0f);
                                    assertEquals(x.value(t, c), y.value(t, c), 0f);
                                }
                            }
                            for (int p = 0; p < a.pageCount(); p++) {
                                for (int c = 0; c < x.headDim(); c++) {
                                    assertEquals(x.min(p, c), y.min(p, c), 0f, "page min, copied " + len);
                                    assertEquals(x.max(p, c), y.max(p, c), 0f, "page max, copied " + len);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
