package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.kernel.NativeIsa;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Top-k page selection equals a brute-force sort (score descending, index ascending), ties and NaN included. */
@ExtendWith(NativeIsa.Restore.class)
class QuestPageSelectorTest {
    private static int[] bruteForce(float[] s, int k) {
        Integer[] idx = IntStream.range(0, s.length).boxed().toArray(Integer[]::new);
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> Float.isNaN(s[i]) ? Double.NEGATIVE_INFINITY : s[i] + 0.0);
        Arrays.sort(idx, byScore.reversed().thenComparingInt(i -> i));
        return Arrays.stream(idx).limit(Math.min(k, s.length)).mapToInt(Integer::intValue).sorted().toArray();
    }

    @Test
    void matchesBruteForceOnRandomScoresWithTies() {
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            checkRandomScores(kernel, 400);
        }
    }

    /** The native selection has its own AVX-512 version (vector keys, compress stores) beside the generic one. */
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void nativeMatchesBruteForceAtEveryIsa(int isa) {
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        NativeIsa.force(isa);
        checkRandomScores(AttentionKernels.nativeOrNull(), 160);
    }

    /** Half the trials over up to 64 scores, half over up to 5,000. */
    private static void checkRandomScores(AttentionKernel kernel, int trials) {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < trials; trial++) {
            int n = 1 + rnd.nextInt(trial < trials / 2 ? 64 : 5000);
            int k = rnd.nextInt(n + 2);
            int distinct = 1 + rnd.nextInt(trial % 3 == 0 ? 4 : 100_000);
            float[] s = new float[n + 5];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (rnd.nextInt(distinct) - distinct / 2) * 0.25f;
                if (rnd.nextInt(200) == 0) {
                    s[i] = rnd.nextBoolean() ? Float.NaN : (rnd.nextBoolean() ? -0.0f : Float.NEGATIVE_INFINITY);
                }
            }
            int off = 3;
            float[] window = Arrays.copyOfRange(s, off, off + n);
            int[] out = new int[k + 4];
            int count = kernel.select(s, off, n, k, out, 2);
            int[] expected = bruteForce(window, k);
            assertEquals(expected.length, count, kernel.name());
            assertArrayEquals(expected, Arrays.copyOfRange(out, 2, 2 + count), kernel.name() + " n=" + n + " k=" + k);
        }
    }

    @Test
    void allEqualScoresPickTheLowestPages() {
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            float[] s = new float[1000];
            Arrays.fill(s, 1f);
            int[] out = new int[10];
            assertEquals(10, kernel.select(s, 0, 1000, 10, out, 0));
            assertArrayEquals(IntStream.range(0, 10).toArray(), out, kernel.name());
        }
    }

    @Test
    void adversarialOrdersStayCorrect() {
        for (AttentionKernel kernel : KvFixtures.kernels()) {
            int n = 4096;
            float[] asc = new float[n];
            float[] organ = new float[n];
            for (int i = 0; i < n; i++) {
                asc[i] = i;
                organ[i] = i < n / 2 ? i : n - i;
            }
            for (float[] s : new float[][] {asc, organ}) {
                int[] out = new int[128];
                assertEquals(128, kernel.select(s, 0, n, 128, out, 0));
                assertArrayEquals(bruteForce(s, 128), out, kernel.name());
            }
        }
    }
}
