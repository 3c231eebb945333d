package dev.questspark.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread pool of a decoder. Work is split into contiguous ranges; every output element is computed
 * by exactly one task in a fixed order, so results are bit-identical for any thread count.
 */
public final class Parallel implements AutoCloseable {
    /** A body that processes the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "quest-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, factory) : null;
    }

    /** Threads from {@code quest.threads}, defaulting to the available processors. */
    public static int defaultThreads() {
        return Integer.getInteger("quest.threads", Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) split into at most {@link #threads()} ranges whose sizes are multiples of grain
     * (except the last). The calling thread takes the first range.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        int units = (n + g - 1) / g;
        int parts = Math.min(threads, units);
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        int firstEnd = 0;
        for (int p = 0; p < parts; p++) {
            int start = Math.min(n, (int) ((long) units * p / parts) * g);
            int end = Math.min(n, (int) ((long) units * (p + 1) / parts) * g);
            if (p == 0) {
                firstEnd = end;
            } else if (end > start) {
                futures.add(pool.submit(() -> body.run(start, end)));
            }
        }
        Throwable error = null;
        try {
            body.run(0, firstEnd);
        } catch (Throwable t) {
            error = t;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (error == null) {
                    error = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (error == null) {
                    error = e;
                }
            }
        }
        if (error instanceof RuntimeException re) {
            throw re;
        } else if (error instanceof Error err) {
            throw err;
        } else if (error != null) {
            throw new IllegalStateException(error);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
