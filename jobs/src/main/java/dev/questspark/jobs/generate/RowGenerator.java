package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.qa.ChunkPrefill;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.text.Answers;
import dev.questspark.jobs.text.Grounding;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.jobs.text.TextChecks;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Generates the output of one row after another for one task (partition). A problem with a row (bad text, a
 * document too long for the settings, an engine error on that input) becomes an error result and the next row
 * goes on; a problem with the settings (no chat template when chat is on) fails the task, since every row would
 * fail the same way.
 */
public final class RowGenerator implements AutoCloseable {
    private final GeneratorSettings settings;
    private final Supplier<DocumentModel> modelSource;
    private final Function<DocumentModel, BatchGenerator> batchSource;
    private PromptContext ctx;
    private Summarizer summarizer;
    private Answerer answerer;
    private PromptTemplate template;

    public RowGenerator(GeneratorSettings settings, Supplier<DocumentModel> modelSource) {
        this(settings, modelSource, null);
    }

    /**
     * A generator whose model calls join the task's continuous batch, which batchSource gives for the model (the
     * same one to every row thread of the task); without one (null, or a model that cannot batch) it decodes alone.
     */
    public RowGenerator(GeneratorSettings settings, Supplier<DocumentModel> modelSource,
                        Function<DocumentModel, BatchGenerator> batchSource) {
        this.settings = settings;
        this.modelSource = modelSource;
        this.batchSource = batchSource;
        if (!Tasks.isBuiltIn(settings.task())) {
            this.template = new PromptTemplate(settings.task());
        }
    }

    /** The result for one row; validUtf8 is Spark's check of the raw text (null when unknown). */
    public RowResult process(String text, Boolean validUtf8, String question) {
        return process(text, Boolean.FALSE.equals(validUtf8) ? "text is not valid UTF-8" : null, question, null);
    }

    /**
     * The result for one row; textEncoding and questionEncoding are what is wrong with the raw bytes of the text
     * and the question (invalid UTF-8 at a byte), or null when they are valid or not known.
     */
    public RowResult process(String text, String textEncoding, String question, String questionEncoding) {
        return process(text, textEncoding, question, questionEncoding, null);
    }

    /** {@link #process(String, String, String, String)} with the document's chunks ranked by an earlier stage (or null). */
    public RowResult process(String text, String textEncoding, String question, String questionEncoding, ChunkOrder order) {
        RowUsage usage = new RowUsage();
        String problem = textEncoding != null ? textEncoding : TextChecks.problem("text", text, null);
        if (problem == null && Tasks.needsQuestion(settings.task())) {
            problem = questionEncoding != null ? questionEncoding : TextChecks.problem("question", question, null);
        }
        if (problem != null) {
            return RowResult.error(problem, usage, settings.attention());
        }
        PromptContext c = context();
        try {
            long seed = Seeds.forRow(settings.sampling().seed(), text, question);
            int[] document = c.model.encode(text);
            String out = run(c, document, question, seed, order, usage);
            if (Tasks.ANSWER.equals(settings.task()) && settings.qaGrounding() && Answers.isFactual(question)) {
                Grounding.Answer a = Grounding.check(question, out, text);
                out = a.text();
                usage.note = a.note() == null ? usage.note : usage.note == null ? a.note() : usage.note + "; " + a.note();
            }
            return RowResult.ok(out, usage, settings.attention());
        } catch (RuntimeException e) {
            c.decoder.reset();
            return RowResult.error(describe(e), usage, settings.attention());
        }
    }

    private String run(PromptContext c, int[] document, String question, long seed, ChunkOrder order, RowUsage usage) {
        switch (settings.task()) {
            case Tasks.SUMMARIZE:
                return summarizer.summarize(document, seed, usage);
            case Tasks.ANSWER:
                return Answers.forQuestion(question, answerer.answer(Tasks.answer(c.chat), document, question, seed, order, usage));
            default:
                if (template.hasQuestion()) {
                    return answerer.answer(template, document, question, seed, usage);
                }
                int room = c.room(template, null);
                if (document.length > room) {
                    throw new IllegalArgumentException("text is " + document.length + " tokens but " + room
                            + " fit in the context with this template; use task summarize for long documents"
                            + " or raise context-tokens");
                }
                usage.chunks = 1;
                usage.chunksTotal = 1;
                return c.generate(template, document, question, seed, usage);
        }
    }

    private PromptContext context() {
        if (ctx == null) {
            DocumentModel model = modelSource.get();
            ctx = PromptContext.open(settings, model, batchSource == null ? null : batchSource.apply(model));
            summarizer = new Summarizer(ctx, settings.summaryChunkTokens(), settings.summarySentences());
            answerer = new Answerer(ctx, settings.qaChunkTokens(), settings.qaContextTokens(), questRanking(model));
        }
        return ctx;
    }

    /** The quest router's ranking when the settings ask for it, with the chunk snapshots of kv-cache when set. */
    private QuestRanking questRanking(DocumentModel model) {
        if (!settings.router().equals("quest")) {
            return null;
        }
        DecoderSnapshots snapshots = settings.kvCache() == null ? DecoderSnapshots.NONE : model.snapshots(Path.of(settings.kvCache()));
        return new QuestRanking(ctx, new ChunkPrefill(model, settings.attention(), snapshots), settings.attention().denseLayers());
    }

    /** Context tokens of a task's decoders: the context-tokens setting within the model's, or the model's. */
    public static int capacity(GeneratorSettings settings, DocumentModel model) {
        return settings.contextTokens() > 0 ? Math.min(settings.contextTokens(), model.contextLength()) : model.contextLength();
    }

    static String describe(RuntimeException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        if (ctx != null) {
            ctx.decoder.close();
        }
    }
}
