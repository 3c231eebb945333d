package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.jobs.model.Decoder;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.text.PromptTemplate.Segments;
import dev.questspark.quest.QuestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Optional;

/**
 * A task's decoder, remembering which document segment its KV cache starts with. A prompt whose document segment
 * is the one cached continues from it (the cache is truncated back to the document); any other prompt starts
 * from an empty cache, or from a KV snapshot of its document segment when the prompt allows one. Every prompt is
 * therefore computed as the same two prefill calls (document, then tail) whether or not the document was cached,
 * which keeps outputs independent of row order and of the snapshots present.
 */
final class CachedDecoder implements PromptRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CachedDecoder.class);

    private final DocumentModel model;
    private final QuestConfig attention;
    private final int capacity;
    private final DecoderSnapshots snapshots;
    private Decoder decoder;
    private int[] cachedDocument;

    CachedDecoder(DocumentModel model, QuestConfig attention, int capacity, DecoderSnapshots snapshots) {
        this.model = model;
        this.attention = attention;
        this.capacity = capacity;
        this.snapshots = snapshots;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /**
     * Generates from prompt. snapshot says the document segment is the same for every question about the
     * document (the whole document, not chunks chosen for the question), so a KV snapshot of it may be reused and
     * saved.
     */
    @Override
    public Generation run(Segments prompt, GenerationConfig sampling, boolean snapshot, RowUsage usage) {
        if (prompt.length() + sampling.maxTokens() > capacity) {
            throw new IllegalStateException("prompt of " + prompt.length() + " tokens plus " + sampling.maxTokens()
                    + " new tokens exceeds the context of " + capacity + " tokens");
        }
        int[] document = prompt.document();
        AttentionCounters before;
        if (document.length > 0 && Arrays.equals(document, cachedDocument)) {
            before = decoder.counters();
            decoder.truncate(document.length);
            usage.cachedTokens += document.length;
        } else {
            before = startDocument(document, snapshot && document.length > 0 && snapshots.enabled(), usage);
        }
        prefill(prompt.tail(), usage);
        Generation g = decoder.generate(sampling, null);
        usage.addCall(prompt.length(), g, decoder.counters().minus(before));
        return g;
    }

    /**
     * Leaves the decoder holding just document: restored from its snapshot when stored and there is one (the
     * restore time counts as prefill), otherwise prefilled, then saved when stored. Returns the counters to
     * measure the prompt's attention work from.
     */
    private AttentionCounters startDocument(int[] document, boolean stored, RowUsage usage) {
        cachedDocument = null;
        String key = stored ? DecoderSnapshots.key(document) : null;
        if (stored) {
            long t0 = System.nanoTime();
            Optional<Decoder> restored = snapshots.find(attention, capacity, key, document);
            if (restored.isPresent()) {
                close();
                decoder = restored.get();
                usage.prefillNanos += System.nanoTime() - t0;
                usage.cachedTokens += document.length;
                cachedDocument = document;
                return decoder.counters();
            }
        }
        if (decoder == null) {
            decoder = model.newDecoder(attention, capacity);
        }
        AttentionCounters before = decoder.counters();
        decoder.truncate(0);
        prefill(document, usage);
        if (stored) {
            save(key);
        }
        cachedDocument = document;
        return before;
    }

    /** A snapshot that cannot be written costs only a later prefill, so the row goes on. */
    private void save(String key) {
        try {
            snapshots.save(decoder, key);
        } catch (RuntimeException e) {
            LOG.warn("KV snapshot {} not saved: {}", key, e.getMessage());
        }
    }

    private void prefill(int[] tokens, RowUsage usage) {
        if (tokens.length > 0) {
            long t0 = System.nanoTime();
            decoder.prefill(tokens);
            usage.prefillNanos += System.nanoTime() - t0;
        }
    }

    /** Drops the decoder after a failed row: its cache may hold a half-finished prompt. */
    @Override
    public void reset() {
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
