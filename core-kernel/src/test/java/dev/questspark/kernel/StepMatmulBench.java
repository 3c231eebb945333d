package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.util.Locale;
import java.util.Random;

/**
 * The matmuls of one SmolLM2-135M decode step (not a test, no JMH): 30 layers of Q4_1 projections and the Q8_0
 * classifier, about 96 MB of weights, so they stream from memory as in the real step (a single matrix of
 * {@link MatmulBench} stays in cache). Prints ms per step for each batch size, the weight bytes per second (batch 1 is
 * bound by memory, so its figure is the bound every batch size can at best reach) and the GMAC/s. Run from the
 * project root after {@code mvn -q -B -o -pl core-kernel test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/bench.cp}:
 * <pre>
 * java -cp core-kernel/target/classes:core-kernel/target/test-classes:$(cat core-kernel/target/bench.cp) \
 *     dev.questspark.kernel.StepMatmulBench [seconds-per-case [threads [batch sizes, e.g. 1,8,16]]]
 * </pre>
 */
public final class StepMatmulBench {
    private static final int LAYERS = 30;
    private static final int DIM = 576;
    private static final int KV_DIM = 192;
    private static final int HIDDEN = 1536;
    private static final int VOCAB = 49152;

    private StepMatmulBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String[] sizes = (args.length > 2 ? args[2] : "1,4,8,16").split(",");
        Random rnd = new Random(1);
        WeightTensor[][] layers = new WeightTensor[LAYERS][];
        long bytes = 0;
        long macs = 0;
        for (int l = 0; l < LAYERS; l++) {
            layers[l] = new WeightTensor[] {
                q41(rnd, DIM, DIM), q41(rnd, KV_DIM, DIM), q41(rnd, KV_DIM, DIM), q41(rnd, DIM, DIM),
                q41(rnd, HIDDEN, DIM), q41(rnd, HIDDEN, DIM), q41(rnd, DIM, HIDDEN)};
            for (WeightTensor w : layers[l]) {
                bytes += w.data().capacity();
                macs += (long) w.rows() * w.cols();
            }
        }
        WeightTensor output = MatmulReference.randomWeights(rnd, GgmlType.Q8_0, VOCAB, DIM);
        bytes += output.data().capacity();
        macs += (long) VOCAB * DIM;
        MatmulKernel kernel = new NativeMatmulKernel();
        System.out.printf(Locale.ROOT, "%s, %d threads, %.1f MB of weights, %.1f MMAC per row%n", kernel.name(), threads,
                bytes / 1e6, macs / 1e6);
        try (Parallel pool = new Parallel(threads)) {
            for (String size : sizes) {
                int n = Integer.parseInt(size.trim());
                float[] x = MatmulReference.randomActivations(rnd, n, HIDDEN);
                float[] out = new float[n * VOCAB];
                Runnable step = () -> step(kernel, pool, layers, output, x, n, out);
                double ms = time(step, seconds);
                System.out.printf(Locale.ROOT, "n=%-3d %8.3f ms/step  %6.2f GB/s of weights  %7.2f GMAC/s  %7.3f ms per row%n",
                        n, ms, bytes / ms / 1e6, macs * n / ms / 1e6, ms / n);
            }
        }
    }

    private static WeightTensor q41(Random rnd, int rows, int cols) {
        return MatmulReference.randomWeights(rnd, GgmlType.Q4_1, rows, cols);
    }

    /** The step's matmuls in the model's order, one parallel region per matrix. */
    private static void step(MatmulKernel k, Parallel pool, WeightTensor[][] layers, WeightTensor output, float[] x, int n,
                             float[] out) {
        for (WeightTensor[] layer : layers) {
            for (WeightTensor w : layer) {
                pool.forRange(w.rows(), 16, (s, e) -> k.matmul(w, x, n, out, s, e));
            }
        }
        pool.forRange(output.rows(), 16, (s, e) -> k.matmul(output, x, n, out, s, e));
    }

    private static double time(Runnable step, double seconds) {
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < seconds * 0.3e9) {
            step.run();
        }
        long start = System.nanoTime();
        long calls = 0;
        do {
            step.run();
            calls++;
        } while (System.nanoTime() - start < seconds * 1e9);
        return (System.nanoTime() - start) / 1e6 / calls;
    }
}
