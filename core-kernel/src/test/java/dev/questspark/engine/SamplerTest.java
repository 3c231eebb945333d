package dev.questspark.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler against brute-force references: a full sort for top-k/top-p, the formulas for every penalty. */
class SamplerTest {
    private static final int VOCAB = 1000;

    /** Logits with ties (values on a coarse grid) so the id tie-break matters. */
    private static float[] logits(long seed) {
        Random r = new Random(seed);
        float[] l = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            l[i] = Math.round(r.nextGaussian() * 16) / 4f;
        }
        return l;
    }

    @Test
    void topKSelectionEqualsAFullSort() {
        for (long seed = 0; seed < 20; seed++) {
            float[] l = logits(seed);
            for (int k : new int[] {1, 2, 7, 40, 64, 999, VOCAB}) {
                assertArrayEquals(TopK.sortAll(l, k), TopK.select(l, k), "seed " + seed + " k " + k);
            }
        }
    }

    @Test
    void candidatesEqualTheBruteForceNucleus() {
        for (long seed = 0; seed < 20; seed++) {
            float[] l = logits(seed);
            for (int topK : new int[] {0, 1, 5, 40, 200}) {
                for (float topP : new float[] {0.05f, 0.5f, 0.9f, 0.95f, 0.999f, 1f}) {
                    for (float temperature : new float[] {0.3f, 1f, 1.7f}) {
                        Sampler.Candidates c = Sampler.candidates(l, topK, topP, temperature);
                        int[] expected = bruteForceNucleus(l, topK, topP, temperature);
                        String what = "seed " + seed + " k " + topK + " p " + topP + " t " + temperature;
                        assertArrayEquals(expected, Arrays.copyOf(c.ids(), c.count()), what);
                    }
                }
            }
        }
    }

    /** The definition: sort everything, keep top-k, softmax with temperature over them, smallest prefix reaching p. */
    private static int[] bruteForceNucleus(float[] l, int topK, float topP, float temperature) {
        int[] order = TopK.sortAll(l, l.length);
        int keep = topK > 0 ? Math.min(topK, l.length) : l.length;
        double max = l[order[0]];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            sum += Math.exp((l[order[i]] - max) / temperature);
        }
        double cum = 0;
        for (int i = 0; i < keep; i++) {
            cum += Math.exp((l[order[i]] - max) / temperature);
            if (cum / sum >= topP) {
                return Arrays.copyOf(order, i + 1);
            }
        }
        return Arrays.copyOf(order, keep);
    }

    @Test
    void samplingDrawsFromTheNucleusInProportionToItsWeights() {
        float[] l = {2f, 1f, 0.5f, 0f, -1f, -3f};
        GenerationConfig cfg = new GenerationConfig(1, 1f, 0, 0.9f, 7L, List.of());
        Sampler s = new Sampler(cfg);
        int[] counts = new int[l.length];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(l)]++;
        }
        int[] nucleus = bruteForceNucleus(l, 0, 0.9f, 1f);
        double total = 0;
        for (int id : nucleus) {
            total += Math.exp(l[id] - 2f);
        }
        int inNucleus = 0;
        for (int id : nucleus) {
            double expected = Math.exp(l[id] - 2f) / total;
            assertEquals(expected, counts[id] / (double) n, 0.01, "token " + id);
            inNucleus += counts[id];
        }
        assertEquals(n, inNucleus, "every draw comes from the nucleus");
    }

    @Test
    void sameSeedSameTokens() {
        GenerationConfig cfg = new GenerationConfig(1, 0.8f, 40, 0.95f, 99L, List.of());
        Sampler a = new Sampler(cfg);
        Sampler b = new Sampler(cfg);
        for (long seed = 0; seed < 50; seed++) {
            float[] l = logits(seed);
            assertEquals(a.sample(l), b.sample(l));
        }
    }

    @Test
    void neutralPenaltiesLeaveGreedyAndSamplingUnchanged() {
        Penalties neutral = new Penalties(1f, 64, 0f, 0f, 0);
        Sampler plain = new Sampler(GenerationConfig.greedy(1));
        Sampler withNeutral = new Sampler(GenerationConfig.greedy(1).withPenalties(neutral));
        GenerationConfig sampled = new GenerationConfig(1, 0.9f, 40, 0.9f, 5L, List.of());
        Sampler s1 = new Sampler(sampled);
        Sampler s2 = new Sampler(sampled.withPenalties(neutral));
        for (long seed = 0; seed < 30; seed++) {
            float[] l = logits(seed);
            int t = plain.sample(l);
            assertEquals(t, withNeutral.sample(l));
            assertEquals(Sampler.argmax(l), t);
            assertEquals(s1.sample(l), s2.sample(l));
            withNeutral.accept(t);
            s2.accept(t);
        }
    }

    @Test
    void everyPenaltyMatchesItsFormula() {
        Random r = new Random(3);
        Penalties[] settings = {
            new Penalties(1.3f, 64, 0f, 0f, 0),
            new Penalties(1.1f, 8, 0f, 0f, 0),
            new Penalties(1f, -1, 0.4f, 0f, 0),
            new Penalties(1f, 16, 0f, 0.7f, 0),
            new Penalties(1.2f, 32, 0.1f, 0.2f, 0),
            new Penalties(1.2f, 0, 0.1f, 0.2f, 0),
        };
        for (Penalties p : settings) {
            for (int trial = 0; trial < 20; trial++) {
                float[] l = logits(100 + trial);
                int[] history = r.ints(1 + r.nextInt(80), 0, 30).toArray();
                float[] expected = bruteForcePenalties(l, history, p);
                assertEquals(Sampler.argmax(expected), greedyAfter(l, history, p), p + " trial " + trial);
                // Sampling over the penalized logits equals sampling over the reference ones with the same seed.
                GenerationConfig cfg = new GenerationConfig(1, 1f, 0, 0.95f, trial, List.of());
                Sampler s = new Sampler(cfg.withPenalties(p));
                for (int t : history) {
                    s.accept(t);
                }
                assertEquals(new Sampler(cfg).sample(expected), s.sample(l), p + " trial " + trial);
            }
        }
    }

    /** llama.cpp's llama_sampler_penalties, written out over the window of the last n tokens. */
    private static float[] bruteForcePenalties(float[] l, int[] history, Penalties p) {
        float[] out = l.clone();
        int n = p.repeatLastN() < 0 ? history.length : Math.min(p.repeatLastN(), history.length);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = history.length - n; i < history.length; i++) {
            counts.merge(history[i], 1, Integer::sum);
        }
        counts.forEach((token, count) -> {
            float x = out[token];
            x = x <= 0 ? x * p.repeatPenalty() : x / p.repeatPenalty();
            out[token] = x - count * p.frequencyPenalty() - (count > 0 ? 1 : 0) * p.presencePenalty();
        });
        return out;
    }

    private static int greedyAfter(float[] l, int[] history, Penalties p) {
        Sampler s = new Sampler(GenerationConfig.greedy(1).withPenalties(p));
        for (int t : history) {
            s.accept(t);
        }
        float[] copy = l.clone();
        int t = s.sample(l);
        assertArrayEquals(copy, l, "the caller's logits are not modified");
        return t;
    }

    @Test
    void noRepeatNgramBlocksExactlyTheTokensThatWouldRepeatAnNgram() {
        Random r = new Random(11);
        for (int size = 1; size <= 4; size++) {
            for (int trial = 0; trial < 50; trial++) {
                int[] history = r.ints(r.nextInt(40), 0, 6).toArray();
                Penalties p = new Penalties(1f, 64, 0f, 0f, size);
                List<Integer> banned = bannedByHuggingFace(history, size);
                for (int token = 0; token < 6; token++) {
                    // Make token the favourite: it is chosen unless banned.
                    float[] l = new float[VOCAB];
                    l[token] = 10f;
                    l[VOCAB - 1] = 1f;
                    int expected = banned.contains(token) ? VOCAB - 1 : token;
                    assertEquals(expected, greedyAfter(l, history, p), "size " + size + " history " + Arrays.toString(history));
                }
            }
        }
    }

    /** transformers' _get_ngrams / _get_generated_ngrams for one sequence. */
    private static List<Integer> bannedByHuggingFace(int[] h, int n) {
        List<Integer> banned = new ArrayList<>();
        if (h.length + 1 < n) {
            return banned;
        }
        Map<List<Integer>, List<Integer>> ngrams = new HashMap<>();
        for (int i = 0; i + n <= h.length; i++) {
            List<Integer> prefix = new ArrayList<>();
            for (int j = 0; j < n - 1; j++) {
                prefix.add(h[i + j]);
            }
            ngrams.computeIfAbsent(prefix, k -> new ArrayList<>()).add(h[i + n - 1]);
        }
        List<Integer> last = new ArrayList<>();
        for (int j = h.length - n + 1; j < h.length; j++) {
            last.add(h[j]);
        }
        return ngrams.getOrDefault(last, banned);
    }

    @Test
    void repeatPenaltyBreaksAGreedyLoop() {
        // Token 1 is always the favourite by a small margin over token 2: greedy repeats it until penalized.
        float[] l = new float[VOCAB];
        l[1] = 2.0f;
        l[2] = 1.9f;
        Sampler s = new Sampler(GenerationConfig.greedy(1).withPenalties(new Penalties(1.1f, 64, 0f, 0f, 0)));
        int first = s.sample(l);
        s.accept(first);
        assertEquals(1, first);
        assertNotEquals(first, s.sample(l));
    }

    @Test
    void badPenaltiesAreRejectedWithTheirNames() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Penalties(0f, 64, 0f, 0f, 0))
                .getMessage().contains("repeat-penalty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Penalties(1f, -2, 0f, 0f, 0))
                .getMessage().contains("repeat-last-n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Penalties(1f, 64, Float.NaN, 0f, 0))
                .getMessage().contains("frequency-penalty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Penalties(1f, 64, 0f, 0f, -1))
                .getMessage().contains("no-repeat-ngram-size"));
    }
}
