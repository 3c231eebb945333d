package dev.questspark.quest;

import dev.questspark.kernel.Parallel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Memory-bandwidth probe: sums a large direct buffer of floats (far larger than the caches) with the native
 * kernel's widest vectors, split over the pool's threads, the way the reference figure (sum over 1 GiB of floats)
 * was measured. Falls back to an unrolled Java loop when the native kernel is unavailable.
 */
public final class BandwidthProbe {
    private static final int CHUNK_FLOATS = 1 << 20;
    private final ByteBuffer data;
    private final long floats;
    private final Parallel pool;
    private final boolean nativeSum;
    private final float[] partial;

    public BandwidthProbe(long bytes, Parallel pool) {
        if (bytes < (1 << 20) || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("probe size must be in [1 MiB, 2 GiB), got " + bytes);
        }
        this.floats = bytes / 4 / CHUNK_FLOATS * CHUNK_FLOATS;
        this.data = ByteBuffer.allocateDirect((int) (floats * 4)).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = data.asFloatBuffer();
        for (int i = 0; i < f.capacity(); i += 1024) {
            f.put(i, 1f / (1 + (i & 1023)));
        }
        this.pool = pool;
        this.nativeSum = NativeAttentionKernel.unavailableReason() == null;
        this.partial = new float[(int) (floats / CHUNK_FLOATS)];
    }

    public long bytes() {
        return floats * 4;
    }

    /** One pass over the buffer; returns the sum. */
    public float pass() {
        int chunks = partial.length;
        pool.forRange(chunks, 1, (a, b) -> {
            for (int c = a; c < b; c++) {
                partial[c] = nativeSum ? NativeAttentionKernel.sum(data, (long) c * CHUNK_FLOATS, CHUNK_FLOATS) : javaSum(c);
            }
        });
        float s = 0;
        for (float p : partial) {
            s += p;
        }
        return s;
    }

    private float javaSum(int chunk) {
        FloatBuffer f = data.asFloatBuffer();
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int end = (chunk + 1) * CHUNK_FLOATS;
        for (int i = chunk * CHUNK_FLOATS; i < end; i += 8) {
            s0 += f.get(i);
            s1 += f.get(i + 1);
            s2 += f.get(i + 2);
            s3 += f.get(i + 3);
            s4 += f.get(i + 4);
            s5 += f.get(i + 5);
            s6 += f.get(i + 6);
            s7 += f.get(i + 7);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Median bandwidth in GB/s (10^9 bytes per second) over the given passes, after one warm-up pass. */
    public double measureGbps(int passes) {
        pass();
        double[] t = new double[passes];
        for (int i = 0; i < passes; i++) {
            long start = System.nanoTime();
            pass();
            t[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(t);
        return bytes() / t[passes / 2];
    }
}
