package dev.questspark.engine;

import dev.questspark.kernel.Parallel;
import dev.questspark.model.AttentionStats;
import dev.questspark.model.BatchAttention;
import dev.questspark.model.ForwardState;
import dev.questspark.model.KvCache;
import dev.questspark.model.BlockVariant;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.quest.AttentionKernels;
import dev.questspark.quest.KvCacheBudgetException;
import dev.questspark.quest.KvMemoryBudget;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.quest.SharedPageAttention;
import dev.questspark.tokenizer.Tokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: up to {@code batchSize} sequences decode together, one token each per step, in one forward pass
 * over all of them ({@link LlamaModel#forwardBatch}), so every weight matrix streams from memory once per step instead
 * of once per sequence. Each sequence keeps its own paged KV cache (Quest selects its own pages), sampler, stop strings
 * and token limit. A sequence that finishes (end of generation, max tokens, stop string, full context, error) leaves at
 * once and the next queued request joins, so the batch stays full while work is queued.
 *
 * <p><b>Prefill.</b> A joining prompt is prefilled whole before it joins, in the same blocks of
 * {@code quest.prefill.block} tokens a lone {@link DecoderSession} uses, while the other sequences wait. Its KV entries
 * and first logits are therefore exactly those of a lone decode. Prefilling in chunks between decode steps would only
 * shorten the other sequences' wait (their latency), which an offline batch job does not measure; it does no less work,
 * since a prefill block already reuses each weight over many tokens.
 *
 * <p><b>Shared prefixes.</b> A prompt (or document) that starts with tokens another context of the batch was prefilled
 * with (a running sequence's prompt, a document in use, or one of the last batchSize contexts that finished, kept
 * while memory allows) copies the KV entries of the longest such prefix from it and prefills only the rest
 * ({@link DecoderSession#copyPrefix}): the questions over one document given as chunks chosen per question, or
 * prompts behind one instruction, pay for their common part once. A prompt token's KV entries depend
 * only on the tokens before it and prefill is the same in one piece or several, so the outcome is bit for bit the
 * prefill's. {@code quest.batch.share-prefixes=false} turns it off (every prompt prefilled whole).
 *
 * <p><b>Identity.</b> Greedy output of each sequence is token-identical to the same prompt decoded alone, at any batch
 * size, batch composition and thread count: matmul rows, norms, RoPE and SwiGLU do not depend on the other rows, and
 * attention gives each row what its own cache would ({@link BatchAttention}). Seeded sampling is identical too.
 *
 * <p><b>Memory.</b> Every cache of the batch reserves its storage in one {@link KvMemoryBudget}
 * ({@code kv-memory-budget} counts the whole batch). A sequence holds at most its prompt plus its token limit (within
 * the context) and claims that storage when it joins: a request that does not fit next to the active ones waits in
 * the queue (in order) until enough sequences leave; one that does not fit even alone fails with a
 * {@link KvCacheBudgetException} naming the bytes. Nothing is allocated in the middle of a step.
 *
 * <p><b>Shared documents.</b> Requests that continue one {@link SharedDocument} fork its KV cache: the document is
 * prefilled once and its pages are read in place by every sequence continuing it, each of which stores only its own
 * tokens (the budget counts the document once). Their attention runs together ({@link SharedPageAttention}): a page
 * of the document that several of them read in a step is read from memory once for all of them.
 *
 * <p><b>Threads.</b> {@link #submit} may be called from any thread. One driver thread (started with the decoder) runs
 * prefills and steps on the decoder's pool; streamed text is delivered on it, and futures complete on it.
 */
public final class BatchDecoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchDecoder.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private volatile QuestConfig quest;
    private final int maxContext;
    private final int batchSize;
    private final boolean sharePrefixes;
    private final KvMemoryBudget budget;
    private final Parallel parallel;
    private final ForwardState prefillState;
    private final ForwardState stepState;
    private final SharedPageAttention attention;
    private final Thread driver;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by lock
    private final List<SharedDocument> documents = new ArrayList<>(); // guarded by lock: open or still in use
    private boolean closed;                                       // guarded by lock
    private BatchStats stats = new BatchStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);  // guarded by lock
    private final AttentionStats attentionStats = new AttentionStats();

    // driver-thread state
    private final List<Slot> active = new ArrayList<>();
    private final List<Runnable> finished = new ArrayList<>();
    private final ArrayDeque<PrefixSource> retained = new ArrayDeque<>(); // finished contexts kept as prefix sources, oldest first
    private final DecoderSession[] stepSessions;
    private final KvCache[] stepCaches;
    private final int[] stepTokens;
    private final float[] stepLogits; // (batchSize, vocab)

    BatchDecoder(LlamaModel model, Tokenizer tokenizer, QuestConfig quest, int maxContextTokens, int batchSize, int threads,
                 KvMemoryBudget budget, int prefillBlock) {
        this(model, tokenizer, quest, maxContextTokens, batchSize, threads, budget, prefillBlock, EngineSettings.sharePrefixes());
    }

    /** sharePrefixes: prompts copy the KV entries of the longest prefix another context of the batch holds. */
    BatchDecoder(LlamaModel model, Tokenizer tokenizer, QuestConfig quest, int maxContextTokens, int batchSize, int threads,
                 KvMemoryBudget budget, int prefillBlock, boolean sharePrefixes) {
        LlamaConfig c = model.config();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be at least 1, got " + batchSize);
        }
        if (maxContextTokens < 1) {
            throw new IllegalArgumentException("a batch decoder needs a context of at least 1 token, got " + maxContextTokens);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.quest = quest.forArchitecture(model.config().architecture());
        this.maxContext = Math.min(maxContextTokens, c.contextLength());
        this.batchSize = batchSize;
        this.sharePrefixes = sharePrefixes;
        this.budget = budget;
        this.prefillState = new ForwardState(c, prefillBlock);
        this.stepState = batchSize <= prefillBlock ? prefillState : new ForwardState(c, batchSize);
        this.attention = new SharedPageAttention(c.qDim()); // forks of one document read its pages once per step
        this.stepSessions = new DecoderSession[batchSize];
        this.stepCaches = new KvCache[batchSize];
        this.stepTokens = new int[batchSize];
        this.stepLogits = new float[batchSize * c.vocabSize()];
        this.parallel = new Parallel(threads);
        this.driver = new Thread(this::drive, "quest-batch-decoder");
        this.driver.setDaemon(true);
        this.driver.start();
    }

    public int batchSize() {
        return batchSize;
    }

    /** The most tokens (prompt plus generated) one sequence may hold. */
    public int maxContext() {
        return maxContext;
    }

    /**
     * Queues a request. The future completes with the same result {@link DecoderSession#generate} would give for the
     * prompt alone (timings aside: decodeNanos is the wall time from its first step to its last), or exceptionally
     * with what went wrong for this request only: a {@link ContextOverflowException} for a prompt longer than the
     * context, a {@link KvCacheBudgetException} for one that cannot fit the memory budget, a
     * {@link CancellationException} when the decoder is closed first.
     */
    public CompletableFuture<GenerationResult> submit(BatchRequest request) {
        Pending p = new Pending(request, new CompletableFuture<>());
        SharedDocument doc = request.document();
        synchronized (lock) {
            if (closed) {
                p.future.completeExceptionally(new CancellationException("the batch decoder is closed"));
                return p.future;
            }
            if (doc != null && (doc.owner() != this || doc.closed)) {
                throw new IllegalArgumentException("the request's shared document " + (doc.closed ? "is closed" : "belongs to another decoder"));
            }
            if (doc != null) {
                doc.uses++;
            }
            queue.add(p);
            lock.notifyAll();
        }
        return p.future;
    }

    /**
     * A document for requests of this decoder to continue ({@link BatchRequest#document()}); prefilled on the first
     * request that needs it. Close it when no more requests will use it.
     */
    public SharedDocument document(int[] tokens) {
        return document(tokens, null);
    }

    /**
     * {@link #document(int[])} whose KV cache is restored from store when it holds the document, and saved to it
     * after a prefill otherwise (store nullable).
     */
    public SharedDocument document(int[] tokens, DocumentStore store) {
        if (tokens.length > maxContext) {
            throw new ContextOverflowException(0, tokens.length, maxContext);
        }
        SharedDocument doc = new SharedDocument(this, tokens, store);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the batch decoder is closed");
            }
            documents.add(doc);
        }
        return doc;
    }

    void closeDocument(SharedDocument doc) {
        synchronized (lock) {
            doc.closed = true;
            lock.notifyAll();
        }
    }

    /**
     * Attention settings of the sequences (and documents) that start from now on; the page size must stay the one of
     * the documents already prefilled. Running sequences keep theirs. A rerank factor of -1 becomes the model's, as in
     * the constructor, so a benchmark that switches settings measures the model's default.
     */
    public void setQuest(QuestConfig quest) {
        this.quest = quest.forArchitecture(model.config().architecture());
    }

    /** Submits every request and waits for all of them; the outcomes are in request order. */
    public List<BatchOutcome> generateAll(List<BatchRequest> requests) {
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>(requests.size());
        for (BatchRequest r : requests) {
            futures.add(submit(r));
        }
        List<BatchOutcome> out = new ArrayList<>(futures.size());
        for (CompletableFuture<GenerationResult> f : futures) {
            out.add(BatchOutcome.of(f));
        }
        return out;
    }

    /** Counters since the decoder started. */
    public BatchStats stats() {
        synchronized (lock) {
            return stats;
        }
    }

    /** Pages the shared-document attention passes were asked for and the pages they read (once per pass). */
    public SharedPageAttention.Traffic sharedPageTraffic() {
        return attention.traffic();
    }

    /** Attention counters of every sequence that has finished. */
    public AttentionStats attentionStats() {
        return attentionStats.snapshot();
    }

    /** Stops the driver; requests not finished by then complete with a {@link CancellationException}. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            driver.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        parallel.close();
    }

    // ---- the driver thread ----

    private void drive() {
        try {
            while (true) {
                freeDocuments();
                admit();
                if (active.isEmpty() && !awaitWork()) {
                    break;
                }
                if (!active.isEmpty()) {
                    step(active.size() < batchSize && queueEmpty());
                }
            }
        } catch (Throwable t) {
            try {
                LOG.error("the batch decoder stopped on an unexpected error", t);
                failAll(t);
            } finally {
                abandonAll();
            }
            return;
        }
        failAll(new CancellationException("the batch decoder is closed"));
    }

    /** Waits until a request is queued (true) or the decoder is closed (false). */
    private boolean awaitWork() throws InterruptedException {
        synchronized (lock) {
            while (queue.isEmpty() && !closed && !documentToFree()) {
                lock.wait();
            }
            return !closed;
        }
    }

    private boolean queueEmpty() {
        synchronized (lock) {
            return queue.isEmpty();
        }
    }

    /** Moves queued requests into free slots, in order, while they fit the memory budget. */
    private void admit() {
        while (active.size() < batchSize) {
            Pending p;
            boolean waits;
            synchronized (lock) {
                if (closed || queue.isEmpty()) {
                    return;
                }
                p = queue.peek();
                waits = !active.isEmpty() && p.request.document() == null && bytesFor(p.request) > budget.available();
                if (!waits) {
                    queue.poll();
                }
            }
            if (waits) {
                if (retained.isEmpty()) {
                    return; // waits, in order, for running sequences to leave and free their memory
                }
                dropRetained();
                continue;
            }
            if (!start(p)) {
                synchronized (lock) {
                    queue.addFirst(p);
                }
                return;
            }
        }
    }

    /** Whether a closed document no request uses any more still holds memory (guarded by lock). */
    private boolean documentToFree() {
        for (SharedDocument d : documents) {
            if (d.closed && d.uses == 0) {
                return true;
            }
        }
        return false;
    }

    /** Frees the documents closed and no longer used. */
    private void freeDocuments() {
        List<SharedDocument> free = new ArrayList<>();
        synchronized (lock) {
            for (SharedDocument d : documents) {
                if (d.closed && d.uses == 0) {
                    free.add(d);
                }
            }
            documents.removeAll(free);
        }
        for (SharedDocument d : free) {
            if (d.prefilled != null) {
                retain(new PrefixSource(d.prefilled, d.tokens(), d.length()));
                d.prefilled = null;
            }
        }
    }

    /**
     * Keeps a finished context as a prefix source for the prompts still to come (the next questions over a document
     * often join after the first ones left): the newest batchSize of them, within an eighth of the memory budget; they
     * give their memory back first whenever a request needs it.
     */
    private void retain(PrefixSource source) {
        if (!sharePrefixes || !source.session().canCopyPrefix(source.session())) { // e.g. Gemma's window rings
            source.session().close();
            return;
        }
        retained.addLast(source);
        long bytes = 0;
        for (PrefixSource r : retained) {
            bytes += ((PagedKvCache) r.session().kvCache()).allocatedBytes();
        }
        while (retained.size() > batchSize || retained.size() > 1 && bytes > budget.limit() / 8) {
            PrefixSource old = retained.removeFirst();
            bytes -= ((PagedKvCache) old.session().kvCache()).allocatedBytes();
            old.session().close();
        }
    }

    private void dropRetained() {
        while (!retained.isEmpty()) {
            retained.removeFirst().session().close();
        }
    }

    private long bytesFor(BatchRequest r) {
        int tokens = capacityFor(r);
        return PagedKvCache.bytesFor(cacheConfig(tokens), tokens);
    }

    /** The tokens a request can ever hold: its context plus its token limit, within the context. */
    private int capacityFor(BatchRequest r) {
        return (int) Math.min(maxContext, (long) r.contextTokens() + r.config().maxTokens());
    }

    private PagedKvCacheConfig cacheConfig(int capacity) {
        LlamaConfig c = model.config();
        BlockVariant v = model.variant();
        return new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), capacity, quest, budget.limit())
                .withSlidingWindow(v.slidingWindow(), v.slidingLayers());
    }

    /**
     * Prefills a request and makes it active, or fails it alone; returns false, changing nothing, when its memory does
     * not fit next to the running sequences (it then waits for them). Its cache claims the memory of its whole context
     * and token limit up front, so no sequence runs out of memory in the middle of a batched step.
     */
    private boolean start(Pending p) {
        BatchRequest r = p.request;
        if (r.contextTokens() > maxContext) {
            fail(p, new ContextOverflowException(r.contextTokens() - r.prompt().length, r.prompt().length, maxContext));
            return true;
        }
        DecoderSession session = null;
        try {
            long t0 = System.nanoTime();
            int reused = 0;
            if (r.document() == null) {
                session = newSequence(r);
                reused = prefillSharing(session, r.prompt());
            } else {
                session = continueDocument(r);
                t0 = System.nanoTime(); // the document's prefill is counted on its own
                session.prefill(r.prompt());
            }
            long t1 = System.nanoTime();
            active.add(new Slot(p, session, session.startGeneration(r.config(), r.onText(), r.ignoreEndOfGeneration()),
                    r.document() == null));
            addStats(1, r.prompt().length, reused, t1 - t0, 0, 0, 0, 0, 0, 0);
            return true;
        } catch (KvCacheBudgetException e) {
            if (session != null) {
                release(session);
            }
            if (!retained.isEmpty()) {
                dropRetained();
                return false; // tried again with the retained prefixes' memory back
            }
            if (!active.isEmpty()) {
                return false;
            }
            fail(p, e);
            return true;
        } catch (RuntimeException e) {
            if (session != null) {
                release(session);
            }
            fail(p, e);
            return true;
        }
    }

    private DecoderSession newSequence(BatchRequest r) {
        int tokens = capacityFor(r);
        PagedKvCacheConfig kv = cacheConfig(tokens);
        return new DecoderSession(model, tokenizer, pool -> claim(kv, pool, tokens), prefillState, parallel, false);
    }

    /** A session over a fork of the request's document (prefilled first if it is not yet), holding its context. */
    private DecoderSession continueDocument(BatchRequest r) {
        SharedDocument doc = r.document();
        if (doc.prefilled == null) {
            prefill(doc);
        }
        PagedKvCache parent = (PagedKvCache) doc.prefilled.kvCache();
        QuestConfig q = quest;
        int tokens = capacityFor(r);
        DecoderSession s = new DecoderSession(model, tokenizer, pool -> {
            PagedKvCache fork = parent.fork(pool);
            try {
                if (!fork.config().quest().equals(q)) {
                    fork.setQuest(q);
                }
                fork.ensureCapacity(tokens);
            } catch (RuntimeException e) {
                fork.close();
                throw e;
            }
            return fork;
        }, prefillState, parallel, false);
        s.restoreContext(doc.tokens(), doc.logits);
        return s;
    }

    private void prefill(SharedDocument doc) {
        long t0 = System.nanoTime();
        DecoderSession s = doc.store() == null ? null : restored(doc);
        int reused = 0;
        if (s == null) {
            s = documentSession(doc);
            try {
                reused = prefillSharing(s, doc.tokens());
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            if (doc.store() != null) {
                save(doc, s);
            }
        }
        doc.logits = s.logits().clone();
        doc.prefilled = s;
        addStats(0, doc.length(), reused, System.nanoTime() - t0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Prefills tokens into the empty session, first copying the KV entries of the longest prefix of them that a
     * prefilled context of the batch holds (at most all but the last token, whose logits the prefill gives); returns
     * the tokens copied.
     */
    private int prefillSharing(DecoderSession session, int[] tokens) {
        DecoderSession from = null;
        int best = 0;
        if (sharePrefixes) {
            for (PrefixSource source : prefixSources()) {
                int n = commonPrefix(source.tokens(), source.length(), tokens, tokens.length - 1);
                if (n > best && session.canCopyPrefix(source.session())) {
                    best = n;
                    from = source.session();
                }
            }
        }
        if (from == null) {
            session.prefill(tokens);
            return 0;
        }
        session.copyPrefix(from, best);
        session.prefill(Arrays.copyOfRange(tokens, best, tokens.length));
        return best;
    }

    /** A context computed as a prompt: its first length tokens may be copied. */
    private record PrefixSource(DecoderSession session, int[] tokens, int length) {}

    /**
     * The prefilled documents, the running sequences with caches of their own (their prompts), and the finished
     * contexts retained.
     */
    private List<PrefixSource> prefixSources() {
        List<PrefixSource> out = new ArrayList<>(retained);
        synchronized (lock) {
            for (SharedDocument d : documents) {
                if (d.prefilled != null) {
                    out.add(new PrefixSource(d.prefilled, d.tokens(), d.length()));
                }
            }
        }
        for (Slot s : active) {
            if (s.ownCache) {
                int[] prompt = s.pending.request.prompt();
                out.add(new PrefixSource(s.session, prompt, prompt.length));
            }
        }
        return out;
    }

    /** Length of the common prefix of a[0, aLen) and b[0, bLen). */
    static int commonPrefix(int[] a, int aLen, int[] b, int bLen) {
        int n = Math.min(aLen, bLen);
        int i = Arrays.mismatch(a, 0, n, b, 0, n);
        return i < 0 ? n : i;
    }

    /** An empty session for a document, its cache reserved in the batch's budget. */
    private DecoderSession documentSession(SharedDocument doc) {
        PagedKvCacheConfig kv = cacheConfig(maxContext);
        return new DecoderSession(model, tokenizer, pool -> claim(kv, pool, doc.length()), prefillState, parallel, false);
    }

    /** The document restored from its store, or null when the store has no usable copy (then it is prefilled). */
    private DecoderSession restored(SharedDocument doc) {
        DecoderSession s = documentSession(doc);
        try {
            if (doc.store().restore(doc.tokens(), s)) {
                return s;
            }
        } catch (RuntimeException e) {
            LOG.warn("restoring a shared document of {} tokens failed, prefilling it: {}", doc.length(), e.toString());
        }
        s.close();
        return null;
    }

    /** A document that cannot be stored costs only a later prefill, so the batch goes on. */
    private void save(SharedDocument doc, DecoderSession s) {
        try {
            doc.store().save(doc.tokens(), s);
        } catch (RuntimeException e) {
            LOG.warn("saving a shared document of {} tokens failed: {}", doc.length(), e.toString());
        }
    }

    /** A cache of up to kv.capacity() tokens with storage for tokens of them reserved in the batch's budget now. */
    private PagedKvCache claim(PagedKvCacheConfig kv, Parallel pool, int tokens) {
        PagedKvCache cache = new PagedKvCache(kv, pool, AttentionKernels.get(), budget);
        try {
            cache.ensureCapacity(tokens);
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    /**
     * One decode step: every active sequence samples its next token, then the ones still running advance together;
     * starved: slots are free and no request waits for one.
     */
    private void step(boolean starved) {
        long t0 = System.nanoTime();
        long cpu0 = CPU.getCurrentThreadCpuTime();
        int generated = 0;
        int rows = 0;
        for (int i = 0; i < active.size(); ) {
            Slot s = active.get(i);
            try {
                if (s.decodeStart == 0) {
                    s.decodeStart = t0;
                }
                int before = s.run.count();
                s.session.step(s.run);
                generated += s.run.count() - before;
            } catch (RuntimeException e) {
                finish(i, e);
                continue;
            }
            if (s.run.done()) {
                finish(i, null);
                continue;
            }
            stepSessions[rows++] = s.session;
            i++;
        }
        if (rows > 0) {
            try {
                DecoderSession.syncBatch(stepSessions, rows, stepState, parallel, attention, stepCaches, stepTokens, stepLogits);
            } catch (RuntimeException e) {
                LOG.warn("a batched decode step of {} sequences failed; failing them: {}", rows, e.toString());
                while (!active.isEmpty()) {
                    finish(active.size() - 1, e);
                }
            }
        }
        Arrays.fill(stepSessions, 0, rows, null);
        addStats(0, 0, 0, 0, rows > 0 ? 1 : 0, rows, rows > 0 && starved ? 1 : 0, generated, System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - cpu0);
        completeFinished();
    }

    /** Completes the slot at index i (with its result, or with error) and frees its memory. */
    private void finish(int i, RuntimeException error) {
        Slot s = active.remove(i);
        GenerationResult result = error == null ? s.run.result(s.session.takePrefillNanos(), System.nanoTime() - s.decodeStart)
                : null;
        if (s.pending.request.attentionSink() != null) {
            s.pending.request.attentionSink().add(s.session.stats());
        }
        if (error == null && s.ownCache) {
            attentionStats.add(s.session.stats());
            int[] prompt = s.pending.request.prompt();
            retain(new PrefixSource(s.session, prompt, prompt.length));
        } else {
            release(s.session);
        }
        finished.add(() -> {
            if (error == null) {
                done(s.pending);
                s.pending.future.complete(result);
            } else {
                fail(s.pending, error);
            }
        });
    }

    /** Completes the futures of the sequences that finished, once their counters are in the decoder's statistics. */
    private void completeFinished() {
        for (Runnable r : finished) {
            r.run();
        }
        finished.clear();
    }

    private void fail(Pending p, Throwable error) {
        done(p);
        p.future.completeExceptionally(error);
    }

    /** A request leaves: its document has one user less. */
    private void done(Pending p) {
        SharedDocument doc = p.request.document();
        if (doc != null) {
            synchronized (lock) {
                doc.uses--;
            }
        }
    }

    private void release(DecoderSession session) {
        attentionStats.add(session.stats());
        session.close();
    }

    private void failAll(Throwable t) {
        RuntimeException error = t instanceof RuntimeException re ? re
                : new IllegalStateException("the batch decoder stopped on an unexpected error (the cause); create a new decoder", t);
        while (!active.isEmpty()) {
            finish(active.size() - 1, error);
        }
        completeFinished();
        List<Pending> rest;
        synchronized (lock) {
            closed = true;
            rest = new ArrayList<>(queue);
            queue.clear();
        }
        for (Pending p : rest) {
            fail(p, error);
        }
        List<SharedDocument> docs;
        synchronized (lock) {
            docs = new ArrayList<>(documents);
            documents.clear();
        }
        for (SharedDocument d : docs) {
            if (d.prefilled != null) {
                d.prefilled.close();
                d.prefilled = null;
            }
        }
        dropRetained();
    }

    /**
     * The last resort after an unexpected error, when failAll itself may have failed part way: every request still
     * open completes exceptionally, touching nothing but its future, so no caller waits for a driver that has stopped.
     */
    private void abandonAll() {
        CancellationException stopped = new CancellationException("the batch decoder stopped on an unexpected error"
                + " (logged); create a new decoder");
        for (Slot s : active) {
            s.pending.future.completeExceptionally(stopped);
        }
        synchronized (lock) {
            closed = true;
            for (Pending p : queue) {
                p.future.completeExceptionally(stopped);
            }
            queue.clear();
        }
    }

    private void addStats(long prompts, long prefillTokens, long reusedTokens, long prefillNanos, long steps, long rows,
                          long starvedSteps, long tokens, long decodeNanos, long decodeCpuNanos) {
        synchronized (lock) {
            BatchStats s = stats;
            stats = new BatchStats(s.prompts() + prompts, s.prefillTokens() + prefillTokens,
                    s.reusedPrefixTokens() + reusedTokens, s.prefillNanos() + prefillNanos,
                    s.decodeSteps() + steps, s.decodeRows() + rows, s.starvedSteps() + starvedSteps, s.decodeTokens() + tokens, s.decodeNanos() + decodeNanos,
                    s.decodeCpuNanos() + decodeCpuNanos);
        }
    }

    private record Pending(BatchRequest request, CompletableFuture<GenerationResult> future) {}

    /** An active sequence. */
    private static final class Slot {
        final Pending pending;
        final DecoderSession session;
        final GenerationRun run;
        final boolean ownCache; // not a fork of a document: its prompt's KV entries may be copied
        long decodeStart;

        Slot(Pending pending, DecoderSession session, GenerationRun run, boolean ownCache) {
            this.pending = pending;
            this.session = session;
            this.run = run;
            this.ownCache = ownCache;
        }
    }
}
