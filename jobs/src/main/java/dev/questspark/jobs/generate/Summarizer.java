package dev.questspark.jobs.generate;

import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Summaries of documents of any length: a document that fits the context is summarized in one call; a longer one
 * is cut into overlapping token chunks, each chunk is summarized (map), and the joined chunk summaries are
 * summarized again (reduce), recursively until they fit.
 */
final class Summarizer {
    /** Reduce levels before giving up; each level divides the text by about chunk size / max tokens. */
    static final int MAX_LEVELS = 8;

    private final PromptContext ctx;

    Summarizer(PromptContext ctx) {
        this.ctx = ctx;
    }

    String summarize(int[] document, long seed, RowUsage usage) {
        int[] text = document;
        for (int level = 0; level < MAX_LEVELS; level++) {
            PromptTemplate template = level == 0 ? Tasks.summarize(ctx.chat) : Tasks.combine(ctx.chat);
            int room = ctx.room(template, null);
            if (text.length <= room) {
                if (level == 0) {
                    usage.chunks = 1;
                    usage.chunksTotal = 1;
                }
                return ctx.generate(template, text, null, seed, usage);
            }
            List<Span> spans = TokenChunks.split(text.length, room, ctx.overlapFor(room));
            if (level == 0) {
                usage.chunks = spans.size();
                usage.chunksTotal = spans.size();
            }
            int[] joined = mapChunks(template, text, spans, seed, usage);
            if (joined.length >= text.length) {
                throw new IllegalArgumentException("chunk summaries (" + joined.length + " tokens) are not shorter than the"
                        + " text they summarize (" + text.length + " tokens); lower max-tokens or raise context-tokens");
            }
            text = joined;
        }
        throw new IllegalArgumentException("document still does not fit the context after " + MAX_LEVELS
                + " levels of summaries; raise context-tokens or lower max-tokens");
    }

    private int[] mapChunks(PromptTemplate template, int[] text, List<Span> spans, long seed, RowUsage usage) {
        List<String> summaries = new ArrayList<>(spans.size());
        for (Span s : spans) {
            summaries.add(ctx.generate(template, Arrays.copyOfRange(text, s.start(), s.end()), null, seed, usage).strip());
        }
        return ctx.model.encode(String.join("\n\n", summaries));
    }
}
