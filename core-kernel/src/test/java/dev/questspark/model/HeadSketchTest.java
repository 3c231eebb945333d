package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.questspark.gguf.GgmlType;
import dev.questspark.kernel.Float16;
import dev.questspark.kernel.JavaMatmulKernel;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.NativeIsa;
import dev.questspark.kernel.NativeMatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HeadSketch#argmax} is the full head's first largest logit, with the native kernel at every ISA level and with
 * the Java twin, on random heads and activations, on rows crafted to share their sketch and differ only in the low bits
 * the bounds cover (near-ties), on exact ties (copies of the best row before and after it: the lowest id wins), on an
 * all-zero row (every logit ties) and on an activation that overflows the bounds (the full head decides).
 */
@ExtendWith(NativeIsa.Restore.class)
class HeadSketchTest {
    private static final int ROWS = 1000;
    private static final int COLS = 32 * 20;

    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void nativeSketchPicksTheFullHeadsToken(int isa) {
        NativeIsa.force(isa);
        check(new NativeMatmulKernel(), 7 + isa);
    }

    @Test
    void javaSketchPicksTheFullHeadsToken() {
        check(new JavaMatmulKernel(), 3);
    }

    /**
     * The bounds at their tightest: activations of one sign and two rows whose sketch logits order them the other way
     * round from their exact logits, the winner's low bits all 7 (positive activations) or all 0 (negative), the
     * other's the opposite with the high parts of a few columns raised by one (its sketch logit ahead by more than the
     * bounds' allowance for quantizing the activations): a sketch with either bound dropped picks the wrong one.
     */
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void rowsWhoseSketchOrderReversesTheirExactOrder(int isa) {
        NativeIsa.force(isa);
        Random rnd = new Random(17 + isa);
        for (MatmulKernel kernel : new MatmulKernel[] {new NativeMatmulKernel(), new JavaMatmulKernel()}) {
            for (int trial = 0; trial < 8; trial++) {
                int sign = trial % 2 == 0 ? 1 : -1;
                byte[] bytes = head(rnd, ROWS);
                int winner = rnd.nextInt(ROWS);
                int other = (winner + 1 + rnd.nextInt(ROWS - 1)) % ROWS;
                reversed(rnd, bytes, winner, other, sign);
                WeightTensor w = tensor(bytes, ROWS);
                float[] x = new float[COLS];
                for (int i = 0; i < COLS; i++) {
                    x[i] = sign * (Math.abs((float) rnd.nextGaussian()) + 0.5f);
                }
                int[] next = new int[1];
                try (Parallel par = new Parallel(2)) {
                    HeadSketch.of(w).argmax(kernel, par, x, 1, new float[ROWS], next);
                }
                int[] full = fullArgmax(kernel, w, x, 1);
                assertArrayEquals(new int[] {winner}, full, "the construction makes the winner the full head's argmax");
                assertArrayEquals(full, next, kernel.name() + " isa " + isa + " trial " + trial);
            }
        }
    }

    /** Rows winner and other as rowsWhoseSketchOrderReversesTheirExactOrder describes, with the same scales. */
    private static void reversed(Random rnd, byte[] b, int winner, int other, int sign) {
        int rowBytes = COLS / 32 * 34;
        int raised = rnd.nextInt(8); // column raised in each group of 8
        for (int blk = 0; blk < COLS / 32; blk++) {
            short d = Float16.fromFloat(0.004f);
            for (int row : new int[] {winner, other}) {
                b[row * rowBytes + blk * 34] = (byte) d;
                b[row * rowBytes + blk * 34 + 1] = (byte) (d >> 8);
            }
            for (int j = 0; j < 32; j++) {
                int col = blk * 32 + j;
                int h = sign * (8 + rnd.nextInt(7)); // [8, 14] or [-14, -8]
                int high = sign > 0 ? 8 * h + 7 : (col % 8 == raised ? 8 * (h + 1) : 8 * h);
                int low = sign > 0 ? (col % 8 == raised ? 8 * (h + 1) : 8 * h) : 8 * h + 7;
                b[winner * rowBytes + blk * 34 + 2 + j] = (byte) high;
                b[other * rowBytes + blk * 34 + 2 + j] = (byte) low;
            }
        }
    }

    @Test
    void headsWithoutASketchAreRefused() {
        Random rnd = new Random(1);
        assertNull(HeadSketch.of(new WeightTensor("q4_1", GgmlType.Q4_1, 4, 64, ByteBuffer.allocateDirect(4 * 2 * 20))));
        byte[] head = head(rnd, 16);
        head[0] = 0;
        head[1] = (byte) 0xbc; // a negative block scale: -1.0
        assertNull(HeadSketch.of(tensor(head, 16)));
        assertNotNull(HeadSketch.of(tensor(head(rnd, 16), 16)));
    }

    private static void check(MatmulKernel kernel, int seed) {
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 12; trial++) {
            byte[] bytes = head(rnd, ROWS);
            int target = rnd.nextInt(ROWS);
            if (trial % 2 == 1) {
                nearTies(rnd, bytes, target);
            }
            WeightTensor w = tensor(bytes, ROWS);
            HeadSketch sketch = HeadSketch.of(w);
            assertNotNull(sketch);
            int n = 1 + trial % 3;
            float[] x = new float[n * COLS];
            for (int t = 0; t < n; t++) {
                activations(rnd, w, target, x, t, trial);
            }
            for (int threads : new int[] {1, 2}) {
                try (Parallel par = new Parallel(threads)) {
                    int[] next = new int[n];
                    sketch.argmax(kernel, par, x, n, new float[n * ROWS], next);
                    assertArrayEquals(fullArgmax(kernel, w, x, n), next, kernel.name() + " trial " + trial + ", " + threads + " threads");
                }
            }
        }
    }

    /** Row t of x: random, the target row's weights (its logit stands out, the near-ties beside it), all zero or overflowing. */
    private static void activations(Random rnd, WeightTensor w, int target, float[] x, int t, int trial) {
        if (trial == 4 && t == 0) {
            return; // all zero: every logit is 0, the first row wins
        }
        if (trial == 8 && t == 0) {
            x[3] = Float.MAX_VALUE; // the bounds overflow: the full head decides
            return;
        }
        if (rnd.nextBoolean()) {
            for (int i = 0; i < COLS; i++) {
                x[t * COLS + i] = (float) rnd.nextGaussian() * 3;
            }
            return;
        }
        float[] row = new float[COLS];
        new JavaMatmulKernel().dequantizeRow(w, target, row, 0);
        for (int i = 0; i < COLS; i++) {
            x[t * COLS + i] = row[i] * 100 + (float) rnd.nextGaussian() * 0.01f;
        }
    }

    /** Copies of the target row with only their low three bits changed, and exact copies before and after it. */
    private static void nearTies(Random rnd, byte[] b, int target) {
        int rowBytes = COLS / 32 * 34;
        for (int k = 0; k < 60; k++) {
            int r = rnd.nextInt(ROWS);
            System.arraycopy(b, target * rowBytes, b, r * rowBytes, rowBytes);
            if (k % 3 != 0) { // a third stay exact copies: ties with the target
                for (int blk = 0; blk < COLS / 32; blk++) {
                    for (int j = 0; j < 32; j++) {
                        int i = r * rowBytes + blk * 34 + 2 + j;
                        b[i] = (byte) (b[i] & ~7 | rnd.nextInt(8));
                    }
                }
            }
        }
    }

    private static int[] fullArgmax(MatmulKernel kernel, WeightTensor w, float[] x, int n) {
        float[] logits = new float[n * ROWS];
        kernel.matmul(w, x, n, logits, 0, ROWS);
        int[] best = new int[n];
        for (int t = 0; t < n; t++) {
            for (int i = 1; i < ROWS; i++) {
                if (logits[t * ROWS + i] > logits[t * ROWS + best[t]]) {
                    best[t] = i;
                }
            }
        }
        return best;
    }

    /** Q8_0 rows with positive scales and quants spread over [-127, 127]. */
    private static byte[] head(Random rnd, int rows) {
        ByteBuffer b = ByteBuffer.allocate(rows * COLS / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < rows * COLS / 32; blk++) {
            b.putShort(Float16.fromFloat(0.001f + rnd.nextFloat() * 0.01f));
            for (int j = 0; j < 32; j++) {
                b.put((byte) Math.max(-127, Math.min(127, Math.round(rnd.nextGaussian() * 50))));
            }
        }
        return b.array();
    }

    private static WeightTensor tensor(byte[] bytes, int rows) {
        ByteBuffer d = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        d.put(bytes).flip();
        return new WeightTensor("head", GgmlType.Q8_0, rows, COLS, d);
    }
}
