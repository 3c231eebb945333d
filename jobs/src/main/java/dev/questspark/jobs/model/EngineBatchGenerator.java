package dev.questspark.jobs.model;

import dev.questspark.engine.BatchDecoder;
import dev.questspark.engine.BatchRequest;
import dev.questspark.engine.BatchStats;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.DocumentStore;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.engine.GenerationResult;
import dev.questspark.engine.SharedDocument;
import dev.questspark.model.AttentionStats;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchGenerator} over the engine's {@link BatchDecoder}. A document segment in use by several calls at once
 * (the questions of one document, the prompts of one template) is one {@link SharedDocument}: prefilled once, its KV
 * pages read in place by every call continuing it; it is closed, and its memory returned, when its last call ends.
 * With KV snapshots, a document whose call allows one is restored from its snapshot instead of prefilled, or saved
 * to one after its prefill, as {@code CachedDecoder} does at batch-size 1.
 */
final class EngineBatchGenerator implements BatchGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(EngineBatchGenerator.class);
    private final BatchDecoder decoder;
    private final EngineSnapshots snapshots; // nullable: documents are always prefilled
    private final Map<Key, Use> documents = new HashMap<>(); // guarded by this

    EngineBatchGenerator(BatchDecoder decoder, EngineSnapshots snapshots) {
        this.decoder = decoder;
        this.snapshots = snapshots;
    }

    @Override
    public CompletableFuture<Call> submit(int[] document, int[] tail, GenerationConfig sampling, boolean snapshot) {
        Key key = document.length == 0 ? null : new Key(document);
        Use use = null;
        boolean reused = false;
        if (key != null) {
            synchronized (this) {
                use = documents.get(key);
                reused = use != null;
                if (use == null) {
                    use = new Use();
                    use.doc = decoder.document(document, snapshot && snapshots != null ? use.store(snapshots) : null);
                    documents.put(key, use);
                }
                use.calls++;
            }
        }
        AttentionStats stats = new AttentionStats();
        Use u = use;
        boolean shared = reused;
        CompletableFuture<GenerationResult> f;
        try {
            f = decoder.submit(new BatchRequest(use == null ? null : use.doc, tail, sampling, null, false, stats));
        } catch (RuntimeException e) {
            release(key, u);
            throw e;
        }
        return f.whenComplete((r, e) -> release(key, u)).thenApply(r -> {
            AttentionStats s = stats.snapshot();
            int cached = shared || u != null && u.restored ? document.length : 0;
            return new Call(new Generation(r.text(), r.tokens(), r.decodeNanos(), r.finishReason()),
                    new AttentionCounters(s.pagesSelected(), s.tokensAttended(), s.kvBytesRead(), s.kvBytesDense()),
                    r.prefillNanos(), cached);
        });
    }

    /** A call over the document ended: the last one closes it. */
    private synchronized void release(Key key, Use use) {
        if (use != null && --use.calls == 0) {
            documents.remove(key);
            use.doc.close();
        }
    }

    @Override
    public void close() {
        BatchStats s = decoder.stats();
        LOG.info(String.format(Locale.ROOT, "batch decoder of %d: %d prompts, %d prompt tokens (%d of them copied from a"
                + " shared prefix), prefill %.2f s; %d decode steps of %.2f sequences on average (%d with free slots and no"
                + " request queued), %.2f s", decoder.batchSize(), s.prompts(), s.prefillTokens(), s.reusedPrefixTokens(),
                s.prefillNanos() / 1e9, s.decodeSteps(), s.meanBatchSize(), s.starvedSteps(), s.decodeNanos() / 1e9));
        decoder.close();
    }

    private static final class Use {
        SharedDocument doc;
        int calls;
        volatile boolean restored; // set on the decoder's thread before the document's first call completes

        /** snapshots, noting whether this document was restored from one (its tokens then count as cached). */
        DocumentStore store(EngineSnapshots snapshots) {
            return new DocumentStore() {
                @Override
                public boolean restore(int[] tokens, DecoderSession empty) {
                    restored = snapshots.restore(tokens, empty);
                    return restored;
                }

                @Override
                public void save(int[] tokens, DecoderSession prefilled) {
                    snapshots.save(tokens, prefilled);
                }
            };
        }
    }

    /** Document tokens as a map key. */
    private record Key(int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(tokens, k.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }
    }
}
