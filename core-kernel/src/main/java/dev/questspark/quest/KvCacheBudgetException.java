package dev.questspark.quest;

/**
 * A KV cache would need more memory than its budget allows, or a document more tokens than the cache holds.
 * Thrown before anything is allocated or written, so the cache stays usable.
 */
public final class KvCacheBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long tokensRequested;
    private final long tokensAllowed;

    public KvCacheBudgetException(String message, long tokensRequested, long tokensAllowed) {
        super(message);
        this.tokensRequested = tokensRequested;
        this.tokensAllowed = tokensAllowed;
    }

    public long tokensRequested() {
        return tokensRequested;
    }

    public long tokensAllowed() {
        return tokensAllowed;
    }
}
