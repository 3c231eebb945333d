package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.jobs.model.AttentionSettings;
import dev.questspark.jobs.model.Decoder;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.model.SamplingSettings;
import dev.questspark.jobs.text.PromptTemplate.Segments;

import java.util.Arrays;

/**
 * A task's decoder, remembering which document segment its KV cache starts with. A prompt whose document segment
 * is the one cached continues from it (the cache is truncated back to the document); any other prompt starts
 * from an empty cache. Every prompt is therefore computed as the same two prefill calls (document, then tail)
 * whether or not the document was cached, which keeps outputs independent of row order.
 */
final class CachedDecoder implements AutoCloseable {
    private final DocumentModel model;
    private final AttentionSettings attention;
    private final int capacity;
    private Decoder decoder;
    private int[] cachedDocument;

    CachedDecoder(DocumentModel model, AttentionSettings attention, int capacity) {
        this.model = model;
        this.attention = attention;
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    Generation run(Segments prompt, SamplingSettings sampling, RowUsage usage) {
        if (prompt.length() + sampling.maxTokens() > capacity) {
            throw new IllegalStateException("prompt of " + prompt.length() + " tokens plus " + sampling.maxTokens()
                    + " new tokens exceeds the context of " + capacity + " tokens");
        }
        if (decoder == null) {
            decoder = model.newDecoder(attention, capacity);
        }
        AttentionCounters before = decoder.counters();
        int[] document = prompt.document();
        if (document.length > 0 && Arrays.equals(document, cachedDocument)) {
            decoder.truncate(document.length);
            usage.cachedTokens += document.length;
        } else {
            cachedDocument = null;
            decoder.truncate(0);
            prefill(document, usage);
            cachedDocument = document;
        }
        prefill(prompt.tail(), usage);
        Generation g = decoder.generate(sampling, null);
        usage.addCall(prompt.length(), g, decoder.counters().minus(before));
        return g;
    }

    private void prefill(int[] tokens, RowUsage usage) {
        if (tokens.length > 0) {
            long t0 = System.nanoTime();
            decoder.prefill(tokens);
            usage.prefillNanos += System.nanoTime() - t0;
        }
    }

    /** Drops the decoder after a failed row: its cache may hold a half-finished prompt. */
    void reset() {
        close();
    }

    @Override
    public void close() {
        cachedDocument = null;
        if (decoder != null) {
            Decoder d = decoder;
            decoder = null;
            d.close();
        }
    }
}
