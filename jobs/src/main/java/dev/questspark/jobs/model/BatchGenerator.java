package dev.questspark.jobs.model;

import dev.questspark.engine.GenerationConfig;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Model calls of many rows decoded together (continuous batching). Thread-safe: each row's thread blocks in
 * {@link #generate} while the batch runs, and calls over the same document segment at the same time share its KV
 * cache. A call gives exactly what a {@link Decoder} gives that prefills the document, then the tail, then generates.
 */
public interface BatchGenerator extends AutoCloseable {
    /** One call's outcome: the generation, its decode-attention counters, its prefill time, document tokens reused. */
    record Call(Generation generation, AttentionCounters attention, long prefillNanos, int cachedTokens) {
    }

    /** Generates after document (may be empty) and tail; throws what the call failed with. */
    default Call generate(int[] document, int[] tail, GenerationConfig sampling) {
        try {
            return submit(document, tail, sampling).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Queues a call without waiting (the chunks of one document go in together); completes as generate returns. */
    default CompletableFuture<Call> submit(int[] document, int[] tail, GenerationConfig sampling) {
        return submit(document, tail, sampling, false);
    }

    /**
     * {@link #submit(int[], int[], GenerationConfig)}; snapshot says the document segment is the same for every
     * question about the document, so with KV snapshots configured it is restored from its snapshot, or saved to one
     * after its prefill, as a lone decoder would.
     */
    CompletableFuture<Call> submit(int[] document, int[] tail, GenerationConfig sampling, boolean snapshot);

    @Override
    void close();
}
