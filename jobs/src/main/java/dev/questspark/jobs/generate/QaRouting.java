package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.List;

/**
 * What the split QA stages need of the answer task's prompts to route questions across executors: the prompt head
 * every chunk prompt starts with, the chunks {@link Answerer} cuts a long document into, and a question's query
 * vectors at the positions after a chunk. The same code as one task's, so a ranking made in the stages is used by
 * the answer only for the very chunks it cuts ({@link ChunkOrder#ranks}).
 */
public final class QaRouting implements AutoCloseable {
    private final PromptContext ctx;
    private final PromptTemplate template;
    private final int chunkTokens;
    private final int contextTokens;

    public QaRouting(GeneratorSettings settings, DocumentModel model) {
        this.ctx = PromptContext.open(settings, model, null);
        this.template = Tasks.answer(ctx.chat);
        this.chunkTokens = settings.qaChunkTokens();
        this.contextTokens = settings.qaContextTokens();
    }

    public DocumentModel model() {
        return ctx.model;
    }

    /** The prompt's tokens before the document (the answer prompt asks its question after the text). */
    public int[] head() {
        return template.build(ctx.model, ctx.frame, new int[0], "").document();
    }

    /** The most document tokens a question is answered from: a longer document is always cut into chunks. */
    public int room() {
        int fits = ctx.room(template, "");
        return contextTokens > 0 ? Math.min(fits, contextTokens) : fits;
    }

    /** The chunk size of a long document (as {@link Answerer} cuts it for a question that leaves it the same room). */
    public int chunkTokens() {
        return Math.min(chunkTokens, room());
    }

    /** The chunks of a document longer than {@link #room()}; none for a document given whole. */
    public List<Span> spans(int[] document) {
        if (document.length <= room()) {
            return List.of();
        }
        int size = chunkTokens();
        return TokenChunks.split(document.length, size, ctx.overlapFor(size));
    }

    /** The query vectors of the prompt's tail for question (its words and what follows them) at position onwards. */
    public QuestionQueries queries(String question, int position) {
        return ctx.model.questionQueries(template.build(ctx.model, ctx.frame, new int[0], question).tail(), position);
    }

    @Override
    public void close() {
        ctx.decoder.close();
    }
}
