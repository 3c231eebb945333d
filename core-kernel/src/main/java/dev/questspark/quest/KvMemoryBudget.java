package dev.questspark.quest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of KV storage a group of caches may hold together (setting {@code kv-memory-budget}): one per session,
 * or one shared by every cache of an executor's batch, so the budget covers the batch. Caches reserve bytes before
 * they allocate storage and release them when the storage is dropped; the accounting is thread-safe.
 */
public final class KvMemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public KvMemoryBudget(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException(PagedKvCacheConfig.MEMORY_BUDGET_SETTING + " must be positive, got " + limitBytes);
        }
        this.limit = limitBytes;
    }

    /** Reserves bytes when they fit under the limit; returns false (reserving nothing) otherwise. */
    public boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes");
        }
        while (true) {
            long u = used.get();
            if (bytes > limit - u) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** Returns bytes reserved earlier. */
    public void release(long bytes) {
        if (bytes < 0 || used.addAndGet(-bytes) < 0) {
            throw new IllegalStateException("released " + bytes + " bytes more than were reserved");
        }
    }

    public long limit() {
        return limit;
    }

    /** Bytes reserved now. */
    public long used() {
        return used.get();
    }

    /** Bytes that can still be reserved. */
    public long available() {
        return limit - used.get();
    }
}
