package dev.questspark.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread pool of one decoder session. Work is split into fixed contiguous parts; every output element is
 * computed by exactly one part in a fixed order, so results are bit-identical for any thread count and whoever
 * runs a part.
 * <p>
 * A decode step issues a few hundred short parallel loops, so a general executor's hand-off (futures, queues) would
 * cost as much as the work. Parts are claimed from a ticket (generation in the high bits, next part in the low
 * bits): workers spin briefly before parking, and the caller claims parts too, so a worker the OS has not scheduled
 * never holds up a loop. One thread at a time may call {@link #forRange}; bodies must not nest.
 */
public final class Parallel implements AutoCloseable {
    /** A body that processes the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final long NO_PART = Integer.MAX_VALUE; // a ticket's part beyond any job's part count
    private static final int SPINS = 2_000; // about 0.1 ms of PAUSE: covers the gaps inside a decode step, not idle time

    private final int threads;
    private final Thread[] workers;
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private volatile Thread caller;
    // the current job, published by the volatile write of ticket
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
            workers[i] = new Thread(this::workLoop, "quest-" + id + "-" + (i + 1));
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
     * Runs body over [0, n) split into at most {@link #threads()} parts whose sizes are multiples of grain
     * (except the last).
     */
    public void forRange(int n, int grain, RangeBody body) {
        int g = Math.max(1, grain);
        forParts(n, g, Math.min(threads, (Math.max(n, 0) + g - 1) / g), body);
    }

    /**
     * Runs body over [0, n) in up to {@link #BALANCED_PARTS} parts per thread, claimed one at a time: for units of
     * uneven cost (the attention units of a batched step, whose sequences select different pages), a thread that
     * finishes its part early takes the next instead of waiting for the other's half. Only for bodies whose cost
     * per call does not grow with the number of calls (a matmul call quantizes its activations once per call: use
     * {@link #forRange} there).
     */
    public void forRangeBalanced(int n, RangeBody body) {
        forParts(n, 1, threads == 1 ? 1 : Math.min(Math.max(n, 0), threads * BALANCED_PARTS), body);
    }

    /** Parts per thread of {@link #forRangeBalanced}. */
    public static final int BALANCED_PARTS = 4;

    private void forParts(int n, int g, int p, RangeBody body) {
        if (n <= 0) {
            return;
        }
        if (p <= 1) {
            body.run(0, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("this thread pool is closed");
        }
        // Fence generation, with no part left to claim, before the job's fields change: a worker still holding
        // the previous job's last ticket would otherwise read the new part count, win its compare-and-set on the
        // unchanged ticket and run a part of the new job twice (and count it in done twice).
        long fence = (ticket.get() >>> 32) + 1;
        ticket.set(fence << 32 | NO_PART);
        this.body = body;
        this.n = n;
        this.grain = g;
        this.parts = p;
        this.failure = null;
        this.caller = Thread.currentThread();
        done.set(0);
        long generation = fence + 1;
        ticket.set(generation << 32);
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        claimParts(generation);
        awaitParts(p);
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

    /** Runs parts of this generation's job until none is left unclaimed. */
    private void claimParts(long generation) {
        while (true) {
            long t = ticket.get();
            if (t >>> 32 != generation) {
                return;
            }
            int part = (int) t;
            // parts is this generation's while the ticket is: the job cannot end before this part is claimed and run
            if (part >= parts || !ticket.compareAndSet(t, t + 1)) {
                if (part >= parts) {
                    return;
                }
                continue;
            }
            try {
                runPart(part);
            } catch (Throwable e) {
                failure = e;
            }
            if (done.incrementAndGet() == parts) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void runPart(int part) {
        int units = (n + grain - 1) / grain;
        int start = Math.min(n, (int) ((long) units * part / parts) * grain);
        int end = Math.min(n, (int) ((long) units * (part + 1) / parts) * grain);
        if (end > start) {
            body.run(start, end);
        }
    }

    private void awaitParts(int p) {
        for (int spin = 0; done.get() < p; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
    }

    private void workLoop() {
        long seen = 0;
        while (!closed) {
            long generation = ticket.get() >>> 32;
            if (generation == seen) {
                waitForWork(seen);
                continue;
            }
            seen = generation;
            claimParts(generation);
        }
    }

    private void waitForWork(long seen) {
        for (int spin = 0; spin < SPINS; spin++) {
            if (ticket.get() >>> 32 != seen || closed) {
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
