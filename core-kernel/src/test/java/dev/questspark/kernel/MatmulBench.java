package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.util.Locale;
import java.util.Random;

/**
 * Quick matmul throughput check (not a test, no JMH): GMAC/s of the shapes that dominate SmolLM2-135M, for the
 * native and Java kernels on 1 and 2 threads. Run from the project root:
 * <pre>
 * mvn -q -B -o -pl core-kernel test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * java -cp core-kernel/target/classes:core-kernel/target/test-classes:$(cat core-kernel/target/bench.cp) \
 *     dev.questspark.kernel.MatmulBench [seconds-per-case [kernel-name-prefix [TYPE:ROWSxCOLS:N]]]
 * </pre>
 */
public final class MatmulBench {
    private MatmulBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        String only = args.length > 1 ? args[1] : "";
        Random rnd = new Random(1);
        Object[][] cases = {
            {GgmlType.Q4_1, 1536, 576, 1}, {GgmlType.Q4_1, 576, 1536, 1},
            {GgmlType.Q4_1, 1536, 576, 512}, {GgmlType.Q4_1, 576, 1536, 512},
            {GgmlType.Q8_0, 49152, 576, 1},
        };
        if (args.length > 2) {
            // a custom case TYPE:ROWSxCOLS:N, for example Q8_0:2048x576:1
            String[] f = args[2].split("[:x]");
            cases = new Object[][] {{GgmlType.valueOf(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])}};
        }
        MatmulKernel[] kernels = NativeLibrary.isLoaded()
                ? new MatmulKernel[] {new NativeMatmulKernel(), new JavaMatmulKernel()}
                : new MatmulKernel[] {new JavaMatmulKernel()};
        for (MatmulKernel kernel : kernels) {
            if (!only.isEmpty() && !kernel.name().startsWith(only)) {
                continue;
            }
            for (Object[] c : cases) {
                GgmlType type = (GgmlType) c[0];
                int rows = (int) c[1];
                int cols = (int) c[2];
                int n = (int) c[3];
                WeightTensor w = MatmulReference.randomWeights(rnd, type, rows, cols);
                float[] x = MatmulReference.randomActivations(rnd, n, cols);
                float[] out = new float[rows * n];
                for (int threads = 1; threads <= 2; threads++) {
                    try (Parallel pool = new Parallel(threads)) {
                        double[] r = run(kernel, pool, w, x, n, out, seconds);
                        System.out.printf(Locale.ROOT,
                                "%-18s %-5s %6d x %-5d n=%-4d threads=%d  %8.2f GMAC/s wall  %8.2f GMAC per cpu-second%n",
                                kernel.name(), type, rows, cols, n, threads, r[0], r[1]);
                    }
                }
            }
        }
    }

    /**
     * Returns GMAC/s of wall time and GMAC per second of process CPU time; on a shared machine the second shows
     * what the kernel does when it has the cores to itself.
     */
    private static double[] run(MatmulKernel k, Parallel pool, WeightTensor w, float[] x, int n, float[] out, double seconds) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Runnable once = () -> pool.forRange(w.rows(), 16, (s, e) -> k.matmul(w, x, n, out, s, e));
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < seconds * 0.3e9) {
            once.run();
        }
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        long calls = 0;
        do {
            once.run();
            calls++;
        } while (System.nanoTime() - start < seconds * 1e9);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        double gmac = (double) w.rows() * w.cols() * n * calls / 1e9;
        return new double[] {gmac / elapsed, gmac / cpu};
    }
}
