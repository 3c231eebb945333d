package dev.questspark.engine;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import dev.questspark.model.BatchAttention;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaModel;
import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sequence being decoded: its context tokens, KV cache, activation buffers and thread pool. Prefill appends
 * prompt tokens and runs them in blocks (matrix-matrix products); generate continues one token at a time.
 * Generated tokens stay in the context, so a later prefill or generate continues from them;
 * {@link #truncate(int)} goes back to a prefix. Not thread-safe: one session per task.
 * <p>
 * Invariant: the cache holds the first {@code cache.length() <= length} context tokens; the rest (at most the last
 * generated token) are run lazily, so a generate call never computes logits it does not use.
 */
public final class DecoderSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderSession.class);
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KvCache cache;
    private final ForwardState state;
    private final Parallel parallel;
    private final boolean ownsPool;
    private final float[] logits; // (vocab) next-token logits after the last cached token, when hasLogits
    private int[] tokens;         // (length) the context
    private int length;
    private boolean hasLogits;
    private boolean hasGreedy;    // greedyNext is the full head's greedy token after the last cached token
    private int greedyNext;
    private boolean greedyRun;    // the last step's run picks its tokens by argmax alone
    private long prefillNanos;

    DecoderSession(LlamaModel model, Tokenizer tokenizer, Function<Parallel, KvCache> cacheFactory, int prefillBlock, int threads) {
        this(model, tokenizer, cacheFactory, new ForwardState(model.config(), prefillBlock), new Parallel(threads), true);
    }

    /**
     * A session on the given thread pool and activation buffers; ownsPool says whether closing the session closes the
     * pool. The sequences of a {@link BatchDecoder} share one pool and one state, used by one thread at a time.
     */
    DecoderSession(LlamaModel model, Tokenizer tokenizer, Function<Parallel, KvCache> cacheFactory, ForwardState state,
                   Parallel parallel, boolean ownsPool) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.parallel = parallel;
        this.ownsPool = ownsPool;
        try {
            this.cache = cacheFactory.apply(parallel);
        } catch (RuntimeException e) {
            if (ownsPool) {
                parallel.close();
            }
            throw e;
        }
        this.state = state;
        this.logits = new float[model.config().vocabSize()];
        this.tokens = new int[Math.min(cache.capacity(), 1024)];
    }

    /** Tokens in the context. */
    public int length() {
        return length;
    }

    /** The most tokens the context can hold. */
    public int capacity() {
        return cache.capacity();
    }

    /** A copy of the context's tokens. */
    public int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    /** Appends tokens to the context and runs them through the model in blocks. */
    public void prefill(int[] prompt) {
        if ((long) length + prompt.length > cache.capacity()) {
            throw new ContextOverflowException(length, prompt.length, cache.capacity());
        }
        if (cache instanceof PagedKvCache paged) {
            paged.ensureCapacity(length + prompt.length); // one allocation for a prompt of known length, not one per doubling
        }
        long start = System.nanoTime();
        for (int t : prompt) {
            append(t);
        }
        sync(true);
        prefillNanos += System.nanoTime() - start;
    }

    /**
     * Appends one given token as a decode step (teacher forcing, as the evaluations feed a reference text): it is
     * attended as a generated token would be, through Quest's selected pages when the cache is in Quest mode, and
     * counted in the statistics. {@link #prefill} attends its tokens densely instead, as a prompt.
     */
    public void decode(int token) {
        if ((long) length + 1 > cache.capacity()) {
            throw new ContextOverflowException(length, 1, cache.capacity());
        }
        append(token);
        sync(false);
    }

    /**
     * Generates up to cfg.maxTokens() tokens after the context, streaming text to onText (nullable) as complete
     * UTF-8 characters become available. Stops early at an end-of-generation token ("eos"), a stop string
     * ("stop", the text cut before it) or a full context ("context").
     */
    public GenerationResult generate(GenerationConfig cfg, Consumer<String> onText) {
        GenerationRun run = startGeneration(cfg, onText);
        long start = System.nanoTime();
        while (!run.done()) {
            step(run);
        }
        return run.result(takePrefillNanos(), System.nanoTime() - start);
    }

    /** A generation continuing this session's context, to be advanced by {@link #step}. */
    GenerationRun startGeneration(GenerationConfig cfg, Consumer<String> onText) {
        return startGeneration(cfg, onText, false);
    }

    /** {@link #startGeneration(GenerationConfig, Consumer)}, optionally generating end-of-generation tokens too. */
    GenerationRun startGeneration(GenerationConfig cfg, Consumer<String> onText, boolean ignoreEos) {
        if (length == 0) {
            throw new IllegalStateException("the context is empty: prefill a prompt before generating");
        }
        return new GenerationRun(tokenizer, cfg, onText, GenerationRun.startsFromBos(tokenizer, tokens, length), ignoreEos);
    }

    /**
     * One token of run: ends it when the context is full, otherwise samples from the logits after the context (running
     * the pending context token first, unless {@link #syncBatch} already did) and appends the token it picks.
     */
    void step(GenerationRun run) {
        if (length >= cache.capacity()) {
            run.contextFull();
            return;
        }
        greedyRun = run.greedyOnly();
        int next;
        if (greedyRun && !hasLogits) {
            syncGreedy();
            next = run.nextToken(greedyNext);
        } else {
            sync();
            next = run.next(logits);
        }
        if (next >= 0) {
            append(next);
        }
    }

    /** Prefill time since the last call, for the result of the generation it belongs to. */
    long takePrefillNanos() {
        long t = prefillNanos;
        prefillNanos = 0;
        return t;
    }

    /** Whether the context's last token still has to run through the model before the next step can sample. */
    boolean needsForward() {
        return length > 0 && !(cache.length() == length && (hasLogits || hasGreedy));
    }

    /**
     * Runs the pending last context token of each of the first count sessions (all on one model, each with just that
     * one token pending) through one batched forward pass, and keeps each one's next-token logits: the batched form of
     * the sync a lone generate does before each step, with identical logits. caches, ids and batchLogits are
     * scratch space of at least count (caches, ids) and count * vocab (batchLogits) entries.
     */
    static void syncBatch(DecoderSession[] sessions, int count, ForwardState state, Parallel parallel, BatchAttention attention,
                          KvCache[] caches, int[] ids, float[] batchLogits) {
        LlamaModel model = sessions[0].model;
        for (int i = 0; i < count; i++) {
            DecoderSession s = sessions[i];
            if (s.model != model || s.cache.length() != s.length - 1 || s.hasLogits || s.hasGreedy) {
                throw new IllegalStateException("syncBatch needs sessions of one model with exactly one pending token; session " + i
                        + " caches " + s.cache.length() + " of " + s.length + " tokens");
            }
            caches[i] = s.cache;
            ids[i] = s.tokens[s.length - 1];
        }
        boolean greedy = true;
        for (int i = 0; i < count; i++) {
            greedy &= sessions[i].greedyRun;
        }
        if (greedy) { // every row wants only its greedy token: no logits copied out; a lone row reads the sketch
            int[] next = new int[count];
            model.forwardBatchGreedy(caches, ids, count, state, parallel, attention, batchLogits, next);
            for (int i = 0; i < count; i++) {
                sessions[i].greedyNext = next[i];
                sessions[i].hasGreedy = true;
            }
            Arrays.fill(caches, 0, count, null);
            return;
        }
        model.forwardBatch(caches, ids, count, state, parallel, attention, batchLogits);
        int vocab = model.config().vocabSize();
        // a row of logits is 1 MB for Gemma 3's 262,144 tokens: the rows' copies split over the pool
        parallel.forRange(count, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                System.arraycopy(batchLogits, i * vocab, sessions[i].logits, 0, vocab);
            }
        });
        for (int i = 0; i < count; i++) {
            sessions[i].hasLogits = true;
        }
        Arrays.fill(caches, 0, count, null);
    }

    /** Goes back to the first len tokens of the context (for example the document, before the next question). */
    public void truncate(int len) {
        if (len < 0 || len > length) {
            throw new IllegalArgumentException("cannot truncate a context of " + length + " tokens to " + len);
        }
        if (len < length) {
            length = len;
            if (cache.length() > len) {
                if (cache instanceof PagedKvCache paged && !paged.resumable(len)) {
                    // the sliding-window layers dropped the window len continues from: the next sync prefills again
                    LOG.warn("truncating to {} tokens goes back further than the sliding-window layers keep (property "
                            + "quest.kv.window-headroom); the context is prefilled again", len);
                    cache.truncate(0);
                } else {
                    cache.truncate(len);
                }
            }
            hasLogits = false;
            hasGreedy = false;
        }
    }

    /**
     * Whether {@link #copyPrefix} can start this session from from's context: both caches are paged, unforked, of one
     * shape, and keep every token (a sliding-window layer that keeps only its window has dropped what a prefix needs).
     */
    boolean canCopyPrefix(DecoderSession from) {
        if (!(cache instanceof PagedKvCache to) || !(from.cache instanceof PagedKvCache src) || to.parent() != null
                || src.parent() != null || from.model != model) {
            return false;
        }
        PagedKvCacheConfig a = to.config();
        PagedKvCacheConfig b = src.config();
        if (a.quest().pageSize() != b.quest().pageSize() || a.layers() != b.layers() || a.kvHeads() != b.kvHeads()
                || a.headDim() != b.headDim()) {
            return false;
        }
        for (int layer = 0; layer < a.layers(); layer++) {
            if (a.rings(layer) || b.rings(layer)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts this empty session with the first len tokens of from's context by copying their keys and values (page
     * bounds recomputed from the keys, as a snapshot load does) instead of running them through the model. from must
     * have computed them as a prompt ({@link #prefill}, or a restored prefill): a prompt token's KV entries depend only on
     * the tokens before it, and a prompt gives the same cache whether it came in one piece or in several, so a
     * following {@link #prefill} of the rest gives exactly the cache, logits and counters of prefilling the whole
     * prompt here. Check {@link #canCopyPrefix} first.
     */
    void copyPrefix(DecoderSession from, int len) {
        if (length != 0 || cache.length() != 0) {
            throw new IllegalStateException("copyPrefix needs an empty session; this one holds " + length + " tokens");
        }
        if (!canCopyPrefix(from)) {
            throw new IllegalArgumentException("copyPrefix needs two unforked paged caches of one model and shape, without"
                    + " sliding-window rings");
        }
        if (len < 1 || len > from.cache.length() || len > from.length) {
            throw new IllegalArgumentException("cannot copy " + len + " tokens of a context whose cache holds "
                    + from.cache.length());
        }
        PagedKvCache to = (PagedKvCache) cache;
        PagedKvCache src = (PagedKvCache) from.cache;
        to.ensureCapacity(len);
        for (int layer = 0; layer < to.config().layers(); layer++) {
            for (int h = 0; h < to.config().kvHeads(); h++) {
                HeadPages hp = src.pages(layer, h);
                to.load(layer, h, hp.keysView(), hp.valuesView(), len);
            }
        }
        to.advance(len);
        tokens = Arrays.copyOf(from.tokens, Math.max(len, tokens.length));
        Arrays.fill(tokens, len, tokens.length, 0);
        length = len;
        hasLogits = false;
        hasGreedy = false;
    }

    /** Next-token logits after the whole context (a view, valid until the next call). */
    public float[] logits() {
        if (length == 0) {
            throw new IllegalStateException("no logits: the context is empty");
        }
        sync();
        return logits;
    }

    /**
     * Adopts a context whose KV entries this session's cache already holds (a snapshot loaded into
     * {@link #kvCache()}), with the next-token logits saved alongside it, so decoding continues exactly as it would
     * have in the session the snapshot was taken from.
     */
    public void restoreContext(int[] context, float[] nextLogits) {
        if (length != 0) {
            throw new IllegalStateException("restoreContext needs an empty session; this one holds " + length + " tokens");
        }
        if (context.length == 0 || cache.length() != context.length) {
            throw new IllegalArgumentException("the KV cache holds " + cache.length() + " tokens but the context has " + context.length
                    + "; load every layer of the cache and advance it to the context length first");
        }
        if (nextLogits.length != logits.length) {
            throw new IllegalArgumentException("next-token logits must hold the vocabulary's " + logits.length + " values, got "
                    + nextLogits.length);
        }
        tokens = Arrays.copyOf(context, Math.max(context.length, tokens.length));
        length = context.length;
        System.arraycopy(nextLogits, 0, logits, 0, logits.length);
        hasLogits = true;
        hasGreedy = false;
    }

    /** Attention statistics of this session's decode steps. */
    public AttentionStats stats() {
        return cache.stats();
    }

    /** The KV cache behind this session (for exports and snapshots). */
    public KvCache kvCache() {
        return cache;
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public void close() {
        cache.close();
        if (ownsPool) {
            parallel.close();
        }
    }

    /** {@link #sync(boolean)} of tokens sampled or appended one by one: a lone token is a decode step. */
    private void sync() {
        sync(false);
    }

    /**
     * Runs the context tokens the cache lacks, in blocks, and keeps the logits after the last one. prompt: they are a
     * prompt, attended densely however the blocks fall (prefill stays dense), so a prompt gives the same cache and
     * counters whether it came in one piece or in several (a document, then a question).
     */
    private void sync(boolean prompt) {
        if (length == 0 || cache.length() == length && hasLogits) {
            return;
        }
        if (cache.length() == length) {
            cache.truncate(length - 1); // logits were dropped by a truncate: recompute the last token's
        }
        while (cache.length() < length) {
            int off = cache.length();
            int n = Math.min(state.block(), length - off);
            boolean last = off + n == length;
            float[] l = model.forward(cache, state, parallel, tokens, off, n, last, prompt);
            if (last) {
                System.arraycopy(l, 0, logits, 0, logits.length);
            }
        }
        hasLogits = true;
    }

    /**
     * {@link #sync()} for a step that picks by argmax alone: the last token's greedy token through the model's greedy
     * head ({@link LlamaModel#forwardGreedy}) instead of its logits.
     */
    private void syncGreedy() {
        if (length == 0 || cache.length() == length && hasGreedy) {
            return;
        }
        if (cache.length() == length) {
            cache.truncate(length - 1); // the logits were dropped: recompute the last token's
        }
        while (cache.length() < length) {
            int off = cache.length();
            int n = Math.min(state.block(), length - off);
            if (off + n == length) {
                greedyNext = model.forwardGreedy(cache, state, parallel, tokens, off, n, false);
            } else {
                model.forward(cache, state, parallel, tokens, off, n, false, false);
            }
        }
        hasGreedy = true;
    }

    private void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, (int) Math.min(cache.capacity(), 2L * tokens.length));
        }
        tokens[length++] = token;
        hasLogits = hasLogits && cache.length() == length;
        hasGreedy = hasGreedy && cache.length() == length;
    }
}
