package dev.questspark.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread pool of one decoder session. Work is split into contiguous ranges; every output element is computed
 * by exactly one task in a fixed order, so results are bit-identical for any thread count.
 * <p>
 * A decode step issues a few hundred short parallel loops, so a general executor's hand-off (futures, queues)
 * would cost as much as the work. Workers here spin briefly on a generation counter before parking, and the
 * caller takes the first range itself. One thread at a time may call {@link #forRange}; bodies must not nest.
 */
public final class Parallel implements AutoCloseable {
    /** A body that processes the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final int SPINS = 20_000;

    private final int threads;
    private final Thread[] workers;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private final AtomicInteger remaining = new AtomicInteger();
    // the current job, published by the volatile write of generation
    private RangeBody body;
    private int n;
    private int grain;
    private int parts;
    private volatile Throwable failure;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        int id = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = new Thread(() -> workLoop(part), "quest-" + id + "-" + part);
            workers[i].setDaemon(true);
            workers[i].start();
        }
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
        int p = Math.min(threads, units);
        if (p <= 1) {
            body.run(0, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("this thread pool is closed");
        }
        this.body = body;
        this.n = n;
        this.grain = g;
        this.parts = p;
        this.failure = null;
        this.caller = Thread.currentThread();
        remaining.set(workers.length);
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runPart(0);
        awaitWorkers();
        this.body = null;
        Throwable t = failure;
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void runPart(int part) {
        if (part >= parts) {
            return;
        }
        int units = (n + grain - 1) / grain;
        int start = Math.min(n, (int) ((long) units * part / parts) * grain);
        int end = Math.min(n, (int) ((long) units * (part + 1) / parts) * grain);
        if (end > start) {
            body.run(start, end);
        }
    }

    private void awaitWorkers() {
        for (int spin = 0; remaining.get() > 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
    }

    private void workLoop(int part) {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g == seen) {
                waitForWork(seen);
                continue;
            }
            seen = g;
            try {
                runPart(part);
            } catch (Throwable t) {
                failure = t;
            }
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void waitForWork(int seen) {
        for (int spin = 0; spin < SPINS; spin++) {
            if (generation != seen || closed) {
                return;
            }
            Thread.onSpinWait();
        }
        LockSupport.park(this);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
