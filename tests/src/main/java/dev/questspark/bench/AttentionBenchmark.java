package dev.questspark.bench;

import dev.questspark.kernel.Parallel;
import dev.questspark.quest.AttentionBench;
import dev.questspark.quest.AttentionShape;
import dev.questspark.quest.BandwidthProbe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decode attention call (one layer, the last position of a random context), dense vs Quest (page size 16), for
 * the SmolLM2-135M shape (9 query heads, 3 KV heads, head dim 64) and the Llama-2-7B shape (32/32, 128), with a
 * memory-bandwidth probe (sum over 512 MiB of floats) in the same run, so dense time can be compared with the time
 * the probe predicts for its KV bytes (dense_kv_bytes in AttentionBench: kvHeads * context * headDim * 4).
 *
 * <p>Full grid: {@code java -cp <tests classpath> org.openjdk.jmh.Main AttentionBenchmark}; a short run, e.g.
 * {@code -p shape=llama2-7b -p context=32768 -p budget=2048 -p threads=1}. The dense benchmark does not depend on the
 * budget (its state has no budget parameter), so it runs once per shape, context and thread count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class AttentionBenchmark {
    /** Cache and query for dense calls. */
    @State(Scope.Benchmark)
    public static class DenseState {
        @Param({"smollm2-135m", "llama2-7b"})
        public String shape;

        @Param({"4096", "8192", "16384", "32768", "65536"})
        public int context;

        @Param({"1", "2"})
        public int threads;

        AttentionBench.Fixture fixture;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new AttentionBench.Fixture(AttentionShape.of(shape), context, 1024, 16, threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** Cache and query for Quest calls at one budget. */
    @State(Scope.Benchmark)
    public static class QuestState {
        @Param({"smollm2-135m", "llama2-7b"})
        public String shape;

        @Param({"4096", "8192", "16384", "32768", "65536"})
        public int context;

        @Param({"256", "512", "1024", "2048", "4096"})
        public int budget;

        @Param({"1", "2"})
        public int threads;

        AttentionBench.Fixture fixture;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new AttentionBench.Fixture(AttentionShape.of(shape), context, budget, 16, threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** The bandwidth probe's buffer and pool. */
    @State(Scope.Benchmark)
    public static class ProbeState {
        @Param({"1", "2"})
        public int threads;

        Parallel pool;
        BandwidthProbe probe;

        @Setup(Level.Trial)
        public void setUp() {
            pool = new Parallel(threads);
            probe = new BandwidthProbe(512L << 20, pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    @Benchmark
    public float[] dense(DenseState s) {
        return s.fixture.dense();
    }

    @Benchmark
    public float[] quest(QuestState s) {
        return s.fixture.quest();
    }

    /** One pass over 512 MiB: bandwidth in GB/s = 0.536870912 / (ms per op / 1000). */
    @Benchmark
    public float bandwidthProbe(ProbeState s) {
        return s.probe.pass();
    }
}
