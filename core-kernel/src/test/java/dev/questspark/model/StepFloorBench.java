package dev.questspark.model;

import dev.questspark.gguf.GgufFile;
import dev.questspark.kernel.Kernels;
import dev.questspark.kernel.MatmulKernel;
import dev.questspark.kernel.Parallel;
import dev.questspark.kernel.WeightTensor;
import dev.questspark.quest.BandwidthProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How close a single-sequence decode step can get to the memory (not a test, no JMH): on a real GGUF, for 1 and 2
 * threads, the native sum over as many bytes as the step's weights ({@link BandwidthProbe}), the output head's
 * matvec alone, and every matmul of one decode step with one parallel region per matrix as {@link LlamaModel} runs
 * them (Q/K/V in one region, gate and up in one). The step's weights cannot stream faster than the sum, so the sum's
 * time is the floor a step at any context sits above. Run from the project root after {@code mvn -q -B -o -pl
 * core-kernel test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp}:
 * <pre>
 * java -cp core-kernel/target/classes:core-kernel/target/test-classes:$(cat core-kernel/target/bench.cp) \
 *     dev.questspark.model.StepFloorBench models/gemma-3-270m-q4_k_m.gguf [passes [threads, e.g. 1,2]]
 * </pre>
 */
public final class StepFloorBench {
    private StepFloorBench() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String[] threadCounts = (args.length > 2 ? args[2] : "1,2").split(",");
        try (GgufFile gguf = GgufFile.open(model)) {
            LlamaConfig c = LlamaConfig.from(gguf, (int) gguf.tensor("token_embd.weight").dims()[1]);
            LlamaWeights w = new LlamaWeights(gguf, c, BlockVariant.of(gguf, c));
            List<WeightTensor[]> regions = regions(w, c.layers());
            long bytes = 0;
            for (WeightTensor[] r : regions) {
                for (WeightTensor m : r) {
                    bytes += m.data().capacity();
                }
            }
            MatmulKernel kernel = Kernels.matmul();
            System.out.printf(Locale.ROOT, "%s, %s, %d regions, %.1f MB of weights per step, head %.1f MB%n", model.getFileName(),
                    kernel.name(), regions.size(), bytes / 1e6, w.output.data().capacity() / 1e6);
            float[] x = new float[Math.max(c.ffnDim(), c.qDim())];
            Random rnd = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() - 0.5f;
            }
            float[] out = new float[c.vocabSize()];
            for (String t : threadCounts) {
                int threads = Integer.parseInt(t.trim());
                try (Parallel pool = new Parallel(threads)) {
                    BandwidthProbe probe = new BandwidthProbe(bytes, pool);
                    double sumMs = probe.bytes() / probe.measureGbps(passes) / 1e6;
                    double headMs = median(passes, () -> region(kernel, pool, new WeightTensor[] {w.output}, x, out));
                    double stepMs = median(passes, () -> {
                        for (WeightTensor[] r : regions) {
                            region(kernel, pool, r, x, out);
                        }
                    });
                    print(threads, "sum", probe.bytes(), sumMs);
                    print(threads, "head", w.output.data().capacity(), headMs);
                    print(threads, "step matmuls", bytes, stepMs);
                }
            }
        }
    }

    /** The step's matrices grouped into its parallel regions, in the model's order, the head last. */
    private static List<WeightTensor[]> regions(LlamaWeights w, int layers) {
        List<WeightTensor[]> r = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            r.add(new WeightTensor[] {w.wq[l], w.wk[l], w.wv[l]});
            r.add(new WeightTensor[] {w.wo[l]});
            r.add(new WeightTensor[] {w.wGate[l], w.wUp[l]});
            r.add(new WeightTensor[] {w.wDown[l]});
        }
        r.add(new WeightTensor[] {w.output});
        return r;
    }

    /** One token through the matrices of one region, their rows laid end to end and split over the pool. */
    private static void region(MatmulKernel k, Parallel pool, WeightTensor[] ms, float[] x, float[] out) {
        int total = Arrays.stream(ms).mapToInt(WeightTensor::rows).sum();
        pool.forRange(total, 16, (start, end) -> {
            int base = 0;
            for (WeightTensor m : ms) {
                int from = Math.max(start - base, 0);
                int to = Math.min(end - base, m.rows());
                if (from < to) {
                    k.matmul(m, x, 1, out, from, to);
                }
                base += m.rows();
            }
        });
    }

    private static double median(int passes, Runnable pass) {
        pass.run();
        double[] t = new double[passes];
        for (int i = 0; i < passes; i++) {
            long start = System.nanoTime();
            pass.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[passes / 2];
    }

    private static void print(int threads, String what, long bytes, double ms) {
        System.out.printf(Locale.ROOT, "threads %d  %-13s %7.1f MB  %7.3f ms  %6.2f GB/s%n", threads, what, bytes / 1e6, ms,
                bytes / ms / 1e6);
    }
}
