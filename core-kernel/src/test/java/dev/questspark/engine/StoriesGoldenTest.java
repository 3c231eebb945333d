package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.model.ReferenceKvCache;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/** stories260K (tiny, real, F32): the published llama2.c continuation from BOS, greedy. */
class StoriesGoldenTest {
    private static final String EXPECTED =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
    private final Engine engine = TestModels.storiesEngine(2);

    @Test
    void greedyFromBosTellsTheKnownStory() {
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), 2)) {
            s.prefill(new int[] {engine.tokenizer().bos()});
            GenerationResult r = s.generate(GenerationConfig.greedy(40), null);
            assertTrue(r.text().startsWith(EXPECTED), () -> "got: " + r.text());
            assertEquals("length", r.finishReason());
            assertEquals(40, r.tokens().length);
        }
    }

    @Test
    void logitsAreBitIdenticalForOneAndTwoThreads() {
        float[] one = logitsAfterStory(1);
        float[] two = logitsAfterStory(2);
        assertArrayEquals(one, two, 0f);
    }

    @Test
    void prefillInOneBlockMatchesTokenByToken() {
        int[] prompt = engine.tokenizer().encode("Once upon a time, there was a little dog", true, false);
        float[] block;
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 64), 1)) {
            s.prefill(prompt);
            block = s.logits().clone();
        }
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 64), 1)) {
            for (int t : prompt) {
                s.decode(t);
            }
            float[] single = s.logits();
            for (int i = 0; i < block.length; i++) {
                assertEquals(block[i], single[i], 1e-4f, "logit " + i);
            }
        }
    }

    @Test
    void truncateThenRegenerateGivesTheSameText() {
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), 2)) {
            s.prefill(new int[] {engine.tokenizer().bos()});
            String first = s.generate(GenerationConfig.greedy(20), null).text();
            s.truncate(1);
            String again = s.generate(GenerationConfig.greedy(20), null).text();
            assertEquals(first, again);
        }
    }

    @Test
    void stopStringEndsGenerationBeforeIt() {
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), 2)) {
            s.prefill(new int[] {engine.tokenizer().bos()});
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = s.generate(new GenerationConfig(60, 0f, 0, 1f, 0, java.util.List.of("Lily")), streamed::append);
            assertEquals("stop", r.finishReason());
            assertEquals("Once upon a time, there was a little girl named ", r.text());
            assertEquals(r.text(), streamed.toString());
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        GenerationConfig cfg = new GenerationConfig(30, 0.8f, 40, 0.95f, 1234L, java.util.List.of());
        String a;
        String b;
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), 1)) {
            s.prefill(new int[] {engine.tokenizer().bos()});
            a = s.generate(cfg, null).text();
        }
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), 2)) {
            s.prefill(new int[] {engine.tokenizer().bos()});
            b = s.generate(cfg, null).text();
        }
        assertEquals(a, b);
    }

    private float[] logitsAfterStory(int threads) {
        try (DecoderSession s = engine.newSession(new ReferenceKvCache(engine.model().config(), 256), threads)) {
            s.prefill(engine.tokenizer().encode(EXPECTED, true, false));
            return s.logits().clone();
        }
    }
}
