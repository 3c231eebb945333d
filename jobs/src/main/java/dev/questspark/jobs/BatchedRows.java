package dev.questspark.jobs;

import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A task's rows generated concurrently so that their model calls fill one continuous batch ({@code batch-size}
 * sequences per decode step). Each row runs on a row thread of its own with its own generator G (a
 * {@link RowGenerator}, or a ChunkGenerator for the split summarize's calls; they block while the batch decodes, so
 * {@link #window()} = twice the batch size keeps the batch full while slow rows finish); every generator's calls go to
 * the task's one {@link BatchGenerator}. Results are taken in input order, and every call gives what a lone decoder
 * would, so the output equals batch-size 1's. Rows are read {@link #readAhead()} ahead of the oldest one not yet taken,
 * more than there are row threads: the rest wait for a thread in input order, so a row that runs long (a long answer,
 * a long document) does not stop the next rows from joining the batch while it holds the head of the output.
 */
final class BatchedRows<G extends AutoCloseable> implements AutoCloseable {
    private static final AtomicInteger TASKS = new AtomicInteger();

    private final GeneratorSettings settings;
    private final Supplier<DocumentModel> modelSource;
    private final ExecutorService threads;
    private final List<G> generators = new ArrayList<>(); // guarded by this
    private final ThreadLocal<G> generator;
    private BatchGenerator batch; // guarded by this

    /** newGenerator makes a row thread's generator from the source of the task's batch. */
    BatchedRows(GeneratorSettings settings, Supplier<DocumentModel> modelSource,
                Function<Function<DocumentModel, BatchGenerator>, G> newGenerator) {
        this.settings = settings;
        this.modelSource = modelSource;
        int id = TASKS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(window(), r -> {
            Thread t = new Thread(r, "quest-rows-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.generator = ThreadLocal.withInitial(() -> {
            G g = newGenerator.apply(this::batch);
            synchronized (this) {
                generators.add(g);
            }
            return g;
        });
    }

    /** Rows generated at once at most (the row threads). */
    int window() {
        return 2 * settings.batchSize();
    }

    /**
     * Rows submitted and not yet taken, at most: four windows. Rows finish out of order (answers of 5 to 128 tokens)
     * but are taken in order; with only a window read ahead, one long row at the head left the batch's queue empty
     * at 257 of a qa task's 358 decode steps (batch-size 8, 4.1 sequences a step on average).
     */
    int readAhead() {
        return 4 * window();
    }

    /** Runs work with this row thread's generator. */
    Future<RowResult> submit(Function<G, RowResult> work) {
        return threads.submit(() -> work.apply(generator.get()));
    }

    /** The row's result; a failure that is not the row's own (a setting every row would fail on) fails the task. */
    static RowResult await(Future<RowResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a row", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private synchronized BatchGenerator batch(DocumentModel model) {
        if (batch == null) {
            DecoderSnapshots snapshots = settings.kvCache() == null ? DecoderSnapshots.NONE
                    : model.snapshots(Path.of(settings.kvCache()));
            batch = model.newBatchGenerator(settings.attention(), RowGenerator.capacity(settings, model), settings.batchSize(),
                    snapshots);
        }
        return batch;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        List<G> all;
        synchronized (this) {
            all = new ArrayList<>(generators);
        }
        for (G g : all) {
            try {
                g.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a row generator failed: " + e, e);
            }
        }
        synchronized (this) {
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }
}
