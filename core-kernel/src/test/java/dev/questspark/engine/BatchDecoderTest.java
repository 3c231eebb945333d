package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.KvCacheBudgetException;
import dev.questspark.quest.KvMemoryBudget;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Continuous batching on stories260K (dim 64, FFN 172: rows of a batch do not start on a vector boundary): every
 * request's result (tokens, text, finish reason) equals the same prompt generated alone by a {@link DecoderSession},
 * with dense and Quest attention (budget 32 tokens in pages of 8, so most steps are sparse), batch sizes 1 to 16,
 * prompts of 1 to 300 tokens, token limits that make sequences leave at different steps while more requests queue than
 * there are slots, stop strings, seeded sampling, and 1 to 3 threads.
 */
class BatchDecoderTest {
    static final int CONTEXT = 512;
    static final QuestConfig QUEST = QuestConfig.quest().withPageSize(8).withTokenBudget(32);
    private static final Map<String, GenerationResult> ALONE = new HashMap<>();
    private static List<BatchRequest> requests;

    @BeforeAll
    static void load() {
        Engine e = engine(2);
        requests = requests(e, 24, new Random(42));
    }

    static Engine engine(int threads) {
        return TestModels.storiesEngine(threads);
    }

    /** Mixed prompts: BOS-only, story text, random token soups of up to 300 tokens; mixed limits and settings. */
    static List<BatchRequest> requests(Engine e, int count, Random rnd) {
        List<BatchRequest> out = new ArrayList<>();
        int vocab = e.model().config().vocabSize();
        for (int i = 0; i < count; i++) {
            int[] prompt;
            switch (i % 4) {
                case 0 -> prompt = new int[] {e.tokenizer().bos()};
                case 1 -> prompt = e.encodePrompt("Once upon a time, a " + (i % 3 == 0 ? "cat" : "boy named Tim") + " went", false);
                default -> {
                    prompt = new int[1 + rnd.nextInt(300)];
                    prompt[0] = e.tokenizer().bos();
                    for (int t = 1; t < prompt.length; t++) {
                        prompt[t] = 3 + rnd.nextInt(vocab - 3);
                    }
                }
            }
            int maxTokens = 1 + rnd.nextInt(60);
            GenerationConfig cfg = switch (i % 6) {
                case 3 -> new GenerationConfig(maxTokens, 0.9f, 40, 0.95f, 1000 + i, List.of());
                case 5 -> new GenerationConfig(maxTokens, 0f, 0, 1f, 0, List.of(".", "!"));
                default -> GenerationConfig.greedy(maxTokens);
            };
            out.add(new BatchRequest(prompt, cfg));
        }
        return out;
    }

    static GenerationResult alone(Engine e, QuestConfig quest, BatchRequest r, String key) {
        return ALONE.computeIfAbsent(quest.attention() + "#" + key, k -> {
            try (DecoderSession s = e.newSession(quest, CONTEXT)) {
                s.prefill(r.prompt());
                return s.generate(r.config(), null);
            }
        });
    }

    static void assertSameAsAlone(Engine e, QuestConfig quest, List<BatchRequest> reqs, List<BatchOutcome> got, String what) {
        assertEquals(reqs.size(), got.size());
        for (int i = 0; i < reqs.size(); i++) {
            BatchOutcome o = got.get(i);
            assertNull(o.error(), () -> what + ": request failed: " + o.error());
            GenerationResult want = alone(e, quest, reqs.get(i), String.valueOf(System.identityHashCode(reqs.get(i))));
            String where = what + " request " + i;
            assertArrayEquals(want.tokens(), o.result().tokens(), where + " tokens");
            assertEquals(want.text(), o.result().text(), where + " text");
            assertEquals(want.finishReason(), o.result().finishReason(), where + " finish reason");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "quest"})
    void everyBatchSizeFrom1To16GivesEachRequestItsLoneResult(String attention) {
        QuestConfig quest = attention.equals("dense") ? QuestConfig.dense() : QUEST;
        Engine e = engine(2);
        for (int b = 1; b <= 16; b++) {
            try (BatchDecoder d = e.newBatchDecoder(quest, CONTEXT, b)) {
                List<BatchOutcome> got = d.generateAll(requests);
                assertSameAsAlone(e, quest, requests, got, attention + " batch " + b);
                BatchStats st = d.stats();
                assertEquals(requests.size(), st.prompts());
                int bb = b;
                assertTrue(st.meanBatchSize() <= b + 1e-9 && (b == 1 || st.meanBatchSize() > 1.5),
                        () -> "mean batch " + st.meanBatchSize() + " at batch size " + bb);
                // all requests queued at once: only the last steps, after the queue ran dry, have free slots
                assertTrue(b == 1 ? st.starvedSteps() == 0 : st.starvedSteps() < st.decodeSteps(),
                        () -> "steps short of work: " + st);
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void otherThreadCountsGiveTheSameResults(int threads) {
        Engine two = engine(2);
        Engine e = engine(threads);
        for (QuestConfig quest : List.of(QuestConfig.dense(), QUEST)) {
            for (int b : new int[] {5, 16}) {
                try (BatchDecoder d = e.newBatchDecoder(quest, CONTEXT, b)) {
                    assertSameAsAlone(two, quest, requests, d.generateAll(requests), threads + " threads batch " + b);
                }
            }
        }
    }

    @Test
    void requestsSubmittedWhileOthersDecodeJoinMidRun() throws Exception {
        Engine e = engine(2);
        try (BatchDecoder d = e.newBatchDecoder(QUEST, CONTEXT, 4)) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                futures.add(d.submit(requests.get(i)));
                if (i % 5 == 4) {
                    futures.get(i - 2).get(); // let some finish before the next arrive
                }
            }
            List<BatchOutcome> got = new ArrayList<>();
            for (CompletableFuture<GenerationResult> f : futures) {
                got.add(BatchOutcome.of(f));
            }
            assertSameAsAlone(e, QUEST, requests, got, "staggered");
        }
    }

    @Test
    void aBadRequestFailsAloneAndTheOthersFinish() {
        Engine e = engine(2);
        List<BatchRequest> reqs = new ArrayList<>(requests.subList(0, 6));
        reqs.add(2, new BatchRequest(new int[CONTEXT + 1], GenerationConfig.greedy(4)));
        reqs.add(4, new BatchRequest(new int[] {1, 5, 100_000}, GenerationConfig.greedy(4)));
        try (BatchDecoder d = e.newBatchDecoder(QuestConfig.dense(), CONTEXT, 3)) {
            List<BatchOutcome> got = d.generateAll(reqs);
            assertInstanceOf(ContextOverflowException.class, got.get(2).error());
            assertTrue(got.get(4).error().getMessage().contains("100000"), got.get(4).error().getMessage());
            List<BatchOutcome> good = new ArrayList<>(got);
            good.remove(4);
            good.remove(2);
            assertSameAsAlone(e, QuestConfig.dense(), requests.subList(0, 6), good, "with bad neighbours");
        }
    }

    @Test
    void theMemoryBudgetCountsTheWholeBatch() {
        Engine e = engine(2);
        var c = e.model().config();
        PagedKvCacheConfig one = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), 64, QUEST,
                PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
        long perSequence = PagedKvCache.bytesRequired(one);
        List<BatchRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reqs.add(new BatchRequest(e.encodePrompt("Once upon a time, there was a " + i, false), GenerationConfig.greedy(64 - 12)));
        }
        reqs.add(new BatchRequest(new int[] {1}, GenerationConfig.greedy(400))); // needs far more than the budget
        // room for two sequences of up to 64 tokens at once, not three
        try (BatchDecoder d = e.newBatchDecoder(QUEST, CONTEXT, 6, 2 * perSequence + perSequence / 2)) {
            List<BatchOutcome> got = d.generateAll(reqs);
            KvCacheBudgetException tooBig = assertInstanceOf(KvCacheBudgetException.class, got.get(6).error());
            assertTrue(tooBig.getMessage().contains(PagedKvCacheConfig.MEMORY_BUDGET_SETTING), tooBig.getMessage());
            assertSameAsAlone(e, QUEST, reqs.subList(0, 6), got.subList(0, 6), "within a budget of two");
            assertTrue(d.stats().meanBatchSize() <= 2 + 1e-9, "more than two sequences ran at once: " + d.stats());
            // steps held to two by memory while requests waited are not short of work
            assertTrue(d.stats().starvedSteps() < d.stats().decodeSteps(), "steps short of work: " + d.stats());
        }
    }

    @Test
    void closingCancelsWhatIsNotFinished() {
        Engine e = engine(2);
        CompletableFuture<GenerationResult> f;
        try (BatchDecoder d = e.newBatchDecoder(QuestConfig.dense(), CONTEXT, 2)) {
            for (int i = 0; i < 8; i++) {
                d.submit(new BatchRequest(new int[] {1}, GenerationConfig.greedy(400)));
            }
            f = d.submit(new BatchRequest(new int[] {1}, GenerationConfig.greedy(400)));
        }
        BatchOutcome o = BatchOutcome.of(f);
        assertInstanceOf(CancellationException.class, o.error());
        try (BatchDecoder d = e.newBatchDecoder(QuestConfig.dense(), CONTEXT, 2)) {
            d.close();
            assertInstanceOf(CancellationException.class, BatchOutcome.of(d.submit(requests.get(0))).error());
        }
    }

    /** An Error that cannot even be printed: wrapping it by its message used to kill the driver before any future completed. */
    static final class UnprintableError extends Error {
        @Override
        public String toString() {
            throw new IllegalStateException("this error cannot be printed");
        }
    }

    @Test
    @Timeout(120)
    void anErrorOnTheDriverFailsEveryOpenRequestInsteadOfLeavingItsCallerWaiting() {
        Engine e = engine(2);
        Consumer<String> breaks = text -> {
            throw new UnprintableError();
        };
        List<BatchRequest> reqs = new ArrayList<>();
        reqs.add(new BatchRequest(null, e.encodePrompt("Once upon a time", false), GenerationConfig.greedy(8), breaks, false));
        for (int i = 0; i < 5; i++) {
            reqs.add(new BatchRequest(new int[] {e.tokenizer().bos()}, GenerationConfig.greedy(200)));
        }
        try (BatchDecoder d = e.newBatchDecoder(QuestConfig.dense(), CONTEXT, 2)) {
            List<BatchOutcome> got = d.generateAll(reqs);
            assertEquals(reqs.size(), got.size());
            for (BatchOutcome o : got) {
                assertNotNull(o.error(), "a request that cannot finish 200 tokens before the error must fail, not succeed");
            }
            assertInstanceOf(CancellationException.class, BatchOutcome.of(d.submit(reqs.get(1))).error(),
                    "the stopped decoder takes no more requests");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "quest"})
    void sequencesContinuingASharedDocumentDecodeAsALoneSessionDoes(String attention) {
        QuestConfig quest = attention.equals("dense") ? QuestConfig.dense() : QUEST;
        Engine e = engine(2);
        Random rnd = new Random(7);
        int[][] docs = new int[3][];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = new int[60 + 97 * i + rnd.nextInt(8)];
            docs[i][0] = e.tokenizer().bos();
            for (int t = 1; t < docs[i].length; t++) {
                docs[i][t] = 3 + rnd.nextInt(e.model().config().vocabSize() - 3);
            }
        }
        KvMemoryBudget budget = new KvMemoryBudget(PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
        for (int b : new int[] {1, 4, 9}) {
            List<int[]> questions = new ArrayList<>();
            List<Integer> docOf = new ArrayList<>();
            List<BatchRequest> reqs = new ArrayList<>();
            try (BatchDecoder d = e.newBatchDecoder(quest, CONTEXT, b, budget)) {
                SharedDocument[] shared = new SharedDocument[docs.length];
                for (int i = 0; i < docs.length; i++) {
                    shared[i] = d.document(docs[i]);
                }
                for (int i = 0; i < 14; i++) {
                    int[] q = i % 5 == 4 ? new int[0] : e.encodePrompt(" Question " + i + ": who was " + (i % 2 == 0 ? "there" : "it") + "?", false);
                    GenerationConfig cfg = i % 5 == 4 ? new GenerationConfig(20, 0.8f, 0, 0.9f, 77 + i, List.of())
                            : GenerationConfig.greedy(5 + rnd.nextInt(40));
                    questions.add(q);
                    docOf.add(i % docs.length);
                    reqs.add(new BatchRequest(shared[i % docs.length], q, cfg));
                }
                List<BatchOutcome> got = d.generateAll(reqs);
                for (SharedDocument doc : shared) {
                    doc.close();
                }
                for (int i = 0; i < reqs.size(); i++) {
                    GenerationResult want;
                    try (DecoderSession s = e.newSession(quest, CONTEXT)) {
                        s.prefill(docs[docOf.get(i)]);
                        s.prefill(questions.get(i));
                        want = s.generate(reqs.get(i).config(), null);
                    }
                    BatchOutcome o = got.get(i);
                    assertNull(o.error(), () -> "request failed: " + o.error());
                    assertArrayEquals(want.tokens(), o.result().tokens(), attention + " batch " + b + " request " + i);
                    assertEquals(want.finishReason(), o.result().finishReason());
                }
            }
            assertEquals(0, budget.used(), "documents and sequences gave their memory back");
        }
    }
}
