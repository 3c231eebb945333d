package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.text.TextChecks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps of {@link Summarizer}'s map-reduce as separate pieces of work, so a long document's chunks can be
 * summarized in different tasks: {@link #plan} cuts a document into the level-0 calls, {@link #summarize} makes
 * one call, {@link #next} joins one level's summaries (in chunk order) into the next level's calls. Same rule,
 * same chunks and same call numbers as the one-task path, so greedy output is the same. One instance per task.
 */
public final class ChunkGenerator implements AutoCloseable {
    private final GeneratorSettings settings;
    private final Supplier<DocumentModel> modelSource;
    private final Function<DocumentModel, BatchGenerator> batchSource;
    private PromptContext ctx;
    private Summarizer summarizer;

    public ChunkGenerator(GeneratorSettings settings, Supplier<DocumentModel> modelSource) {
        this(settings, modelSource, null);
    }

    /** A generator whose calls join the task's continuous batch (batchSource gives it for the model; null: alone). */
    public ChunkGenerator(GeneratorSettings settings, Supplier<DocumentModel> modelSource,
                          Function<DocumentModel, BatchGenerator> batchSource) {
        this.settings = settings;
        this.modelSource = modelSource;
        this.batchSource = batchSource;
    }

    /**
     * The level-0 calls of a document: one when it fits the context, else one per chunk; a bad text or a
     * document the settings cannot summarize is one error. textEncoding is what is wrong with the raw bytes of the
     * text (invalid UTF-8 at a byte), or null when they are valid.
     */
    public List<ChunkWork> plan(long key, String text, String textEncoding) {
        String problem = textEncoding != null ? textEncoding : TextChecks.problem("text", text, null);
        if (problem != null) {
            return List.of(ChunkWork.error(key, 0, 0, 0, problem));
        }
        context();
        try {
            long seed = Seeds.forRow(settings.sampling().seed(), text, null);
            int[] document = ctx.model.encode(text);
            Summarizer.Level step = summarizer.level(0, document.length);
            return calls(key, step, document, seed, 0, step.calls());
        } catch (RuntimeException e) {
            return List.of(ChunkWork.error(key, 0, 0, 0, RowGenerator.describe(e)));
        }
    }

    /** One model call; an error work item, or a failed call, gives an error result. */
    public RowResult summarize(ChunkWork w) {
        RowUsage usage = new RowUsage();
        usage.chunks = w.chunks();
        usage.chunksTotal = w.chunks();
        if (w.failed()) {
            return RowResult.error(w.error(), usage, settings.attention());
        }
        context();
        try {
            String text = summarizer.call(summarizer.template(w.level()), w.tokens(), w.rowSeed(), w.call(), usage);
            if (w.level() > 0 && w.last()) {
                usage.note = Summarizer.note(0, w.chunks(), 0, w.level());
            }
            return RowResult.ok(text, usage, settings.attention());
        } catch (RuntimeException e) {
            ctx.decoder.reset();
            return RowResult.error(RowGenerator.describe(e), usage, settings.attention());
        }
    }

    /**
     * The next level's calls from the summaries of one level (in chunk order); head is the level's first call.
     * An error when the summaries do not shrink the text or the levels run out.
     */
    public List<ChunkWork> next(ChunkWork head, List<String> summaries) {
        if (summaries.size() != head.count()) {
            throw new IllegalArgumentException("level " + head.level() + " of document " + head.key() + " has "
                    + summaries.size() + " summaries for " + head.count() + " chunks");
        }
        context();
        int level = head.level() + 1;
        int call = head.call() + head.count();
        try {
            int[] text = summarizer.join(summaries, head.textLength());
            if (level >= Summarizer.MAX_LEVELS) {
                throw Summarizer.tooManyLevels();
            }
            return calls(head.key(), summarizer.level(level, text.length), text, head.rowSeed(), call, head.chunks());
        } catch (RuntimeException e) {
            return List.of(ChunkWork.error(head.key(), level, call, head.chunks(), RowGenerator.describe(e)));
        }
    }

    private static List<ChunkWork> calls(long key, Summarizer.Level step, int[] text, long seed, int firstCall, int chunks) {
        if (step.fits()) {
            return List.of(new ChunkWork(key, step.level(), 0, 1, true, text, seed, firstCall, text.length, chunks, null));
        }
        List<ChunkWork> out = new ArrayList<>(step.spans().size());
        for (int i = 0; i < step.spans().size(); i++) {
            Span s = step.spans().get(i);
            out.add(new ChunkWork(key, step.level(), i, step.spans().size(), false,
                    Arrays.copyOfRange(text, s.start(), s.end()), seed, firstCall + i, text.length, chunks, null));
        }
        return out;
    }

    private void context() {
        if (ctx == null) {
            DocumentModel model = modelSource.get();
            ctx = PromptContext.open(settings, model, batchSource == null ? null : batchSource.apply(model));
            summarizer = new Summarizer(ctx, settings.summaryChunkTokens(), settings.summarySentences());
        }
    }

    @Override
    public void close() {
        if (ctx != null) {
            ctx.decoder.close();
        }
    }
}
