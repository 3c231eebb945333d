package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexIsVisitedOnceForAnyThreadCountAndGrain() {
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel p = new Parallel(threads)) {
                for (int n : new int[] {1, 2, 7, 16, 17, 100, 1000}) {
                    for (int grain : new int[] {1, 4, 16}) {
                        int[] hits = new int[n];
                        p.forRange(n, grain, (s, e) -> {
                            for (int i = s; i < e; i++) {
                                hits[i]++;
                            }
                        });
                        int[] ones = new int[n];
                        java.util.Arrays.fill(ones, 1);
                        assertArrayEquals(ones, hits, "threads " + threads + " n " + n + " grain " + grain);
                    }
                }
            }
        }
    }

    @Test
    void balancedRangesVisitEveryIndexOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            try (Parallel p = new Parallel(threads)) {
                for (int n : new int[] {1, 2, 5, 12, 13, 24, 100}) {
                    int[] hits = new int[n];
                    AtomicInteger calls = new AtomicInteger();
                    p.forRangeBalanced(n, (s, e) -> {
                        calls.incrementAndGet();
                        for (int i = s; i < e; i++) {
                            hits[i]++;
                        }
                    });
                    int[] ones = new int[n];
                    java.util.Arrays.fill(ones, 1);
                    assertArrayEquals(ones, hits, "threads " + threads + " n " + n);
                    int parts = threads == 1 ? 1 : Math.min(n, threads * Parallel.BALANCED_PARTS);
                    assertEquals(parts, calls.get(), "threads " + threads + " n " + n + ": one call per part");
                }
            }
        }
    }

    @Test
    void loopsOfAlternatingPartCountsRunEachPartOnceAndReturnAfterAll() {
        // A worker left holding the previous loop's last ticket must not claim a part of the next loop: alternate
        // loops of 2 and 13 parts (the count grows between them) and check every index once when the call returns.
        // More threads than cores, so that workers are preempted between reading a ticket and claiming it.
        try (Parallel p = new Parallel(6)) {
            for (int i = 0; i < 50_000; i++) {
                int n = i % 2 == 0 ? 2 : 13;
                java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(n);
                p.forRangeBalanced(n, (s, e) -> {
                    for (int k = s; k < e; k++) {
                        hits.incrementAndGet(k);
                    }
                });
                for (int k = 0; k < n; k++) {
                    assertEquals(1, hits.get(k), "loop " + i + " n " + n + " index " + k);
                }
            }
        }
    }

    @Test
    void manyShortLoopsInARowComplete() {
        try (Parallel p = new Parallel(2)) {
            AtomicInteger sum = new AtomicInteger();
            for (int i = 0; i < 20_000; i++) {
                p.forRange(64, 16, (s, e) -> sum.addAndGet(e - s));
            }
            assertEquals(20_000 * 64, sum.get());
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCaller() {
        try (Parallel p = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.forRange(100, 1, (s, end) -> {
                        if (s > 0) {
                            throw new IllegalStateException("boom at " + s);
                        }
                    }));
            assertEquals("boom at 50", e.getMessage());
            p.forRange(10, 1, (s, end) -> { });
        }
    }
}
