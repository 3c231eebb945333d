package dev.questspark.model;

import dev.questspark.gguf.GgufFile;
import dev.questspark.kernel.Kernels;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * What the greedy head costs against the full head, side by side in one run (not a test, no JMH): on a real GGUF's
 * Q8_0 output head, the median over passes, alternating, of the full head's matvec, the sketch's matvec with its bound
 * sums alone ({@link dev.questspark.kernel.MatmulKernel#matmulBounds}), and the whole {@link HeadSketch#argmax}, for an
 * activation that points at one token (a model's confident step: 40 times the token's embedding plus noise). Run
 * from the project root as StepFloorBench says:
 * <pre>
 * java -cp core-kernel/target/classes:core-kernel/target/test-classes:$(cat core-kernel/target/bench.cp) \
 *     dev.questspark.model.HeadSketchBench models/gemma-3-270m-q4_k_m.gguf [passes [threads]]
 * </pre>
 */
public final class HeadSketchBench {
    private HeadSketchBench() {}

    public static void main(String[] args) throws Exception {
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        try (GgufFile gguf = GgufFile.open(Path.of(args[0]))) {
            LlamaConfig c = LlamaConfig.from(gguf, (int) gguf.tensor("token_embd.weight").dims()[1]);
            WeightTensor head = new LlamaWeights(gguf, c, BlockVariant.of(gguf, c)).output;
            MatmulKernel kernel = Kernels.matmul();
            long t0 = System.nanoTime();
            HeadSketch sketch = HeadSketch.of(head);
            System.out.printf(Locale.ROOT, "%s %dx%d, %s, sketch made in %d ms%n", head.type(), head.rows(), head.cols(),
                    kernel.name(), (System.nanoTime() - t0) / 1_000_000);
            float[] x = new float[c.dim()];
            Random rnd = new Random(1);
            kernel.dequantizeRow(head, 1000 + rnd.nextInt(100_000), x, 0);
            for (int i = 0; i < x.length; i++) {
                x[i] = 40 * x[i] + (float) rnd.nextGaussian() * 0.3f;
            }
            float[] out = new float[head.rows()];
            double[][] ms = new double[3][passes];
            try (Parallel par = new Parallel(threads)) {
                int[] next = new int[1];
                for (int p = -5; p < passes; p++) { // five warm-up passes make the packed copies and compile
                    double[] t = new double[3];
                    long a = System.nanoTime();
                    par.forRange(head.rows(), 16, (s, e) -> kernel.matmul(head, x, 1, out, s, e));
                    long b = System.nanoTime();
                    sketch.boundsOnly(kernel, par, x, out);
                    long d = System.nanoTime();
                    sketch.argmax(kernel, par, x, 1, out, next);
                    long e = System.nanoTime();
                    if (p >= 0) {
                        ms[0][p] = (b - a) / 1e6;
                        ms[1][p] = (d - b) / 1e6;
                        ms[2][p] = (e - d) / 1e6;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%d threads, median of %d passes: full head %.3f ms, sketch and bounds %.3f ms (%.2fx), "
                    + "greedy head %.3f ms (%.2fx)%n", threads, passes, median(ms[0]), median(ms[1]), median(ms[0]) / median(ms[1]),
                    median(ms[2]), median(ms[0]) / median(ms[2]));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
