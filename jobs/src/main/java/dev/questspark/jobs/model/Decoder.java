package dev.questspark.jobs.model;

import dev.questspark.engine.GenerationConfig;

import java.util.function.Consumer;

/**
 * One sequence's decoding state: the tokens in its KV cache and the generation that continues from them.
 * Not thread-safe: one per Spark task.
 */
public interface Decoder extends AutoCloseable {
    /** Tokens in the KV cache. */
    int length();

    /** Appends tokens to the KV cache (dense, blocked prefill). */
    void prefill(int[] tokens);

    /**
     * Generates from the cache; the generated tokens stay in the cache. onText (nullable) receives the text as it
     * is produced.
     */
    Generation generate(GenerationConfig sampling, Consumer<String> onText);

    /** Forgets every token at or after length. */
    void truncate(int length);

    /**
     * The KV page metadata of the tokens in the cache (per layer and KV head, each page's key bounds) as an Arrow IPC
     * stream of {@link dev.questspark.arrow.PageMetadataSchema}, rows named documentId.
     *
     * @throws UnsupportedOperationException when the decoder keeps no Quest pages
     */
    default byte[] pageMetadata(String documentId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no Quest page metadata; use router bm25");
    }

    /** Attention counters since the decoder was made. */
    AttentionCounters counters();

    @Override
    void close();
}
