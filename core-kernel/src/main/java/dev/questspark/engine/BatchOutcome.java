package dev.questspark.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The outcome of one {@link BatchRequest}: its result, or the error that ended it (exactly one is non-null). */
public record BatchOutcome(GenerationResult result, RuntimeException error) {
    /** Waits for a submitted request and wraps what it gave. */
    static BatchOutcome of(CompletableFuture<GenerationResult> future) {
        try {
            return new BatchOutcome(future.get(), null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new BatchOutcome(null, cause instanceof RuntimeException re ? re : new CompletionException(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batched generation", e);
        } catch (java.util.concurrent.CancellationException e) {
            return new BatchOutcome(null, e);
        }
    }

    public boolean ok() {
        return error == null;
    }
}
