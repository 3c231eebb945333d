package dev.questspark.jobs.generate;

import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Summaries of documents of any length: a document that fits the context is summarized in one call; a longer one
 * is cut into overlapping token chunks, each chunk is summarized (map), and the joined chunk summaries are
 * summarized again (reduce), recursively until they fit. {@link #level} and {@link #join} are the rule; this
 * class runs it in one task, {@link ChunkGenerator} runs the same steps spread over Spark stages.
 */
final class Summarizer {
    /** Reduce levels before giving up; each level divides the text by about chunk size / max tokens. */
    static final int MAX_LEVELS = 8;

    /**
     * What one level does with its text: one call on all of it when spans is null, else one call per span.
     *
     * @param template the level's prompt: summarize at level 0, combine above
     */
    record Level(int level, PromptTemplate template, List<Span> spans) {
        boolean fits() {
            return spans == null;
        }

        /** Model calls of this level. */
        int calls() {
            return fits() ? 1 : spans.size();
        }
    }

    private final PromptContext ctx;

    Summarizer(PromptContext ctx) {
        this.ctx = ctx;
    }

    String summarize(int[] document, long seed, RowUsage usage) {
        int[] text = document;
        for (int level = 0; level < MAX_LEVELS; level++) {
            Level step = level(level, text.length);
            if (level == 0) {
                usage.chunks = step.calls();
                usage.chunksTotal = step.calls();
            }
            if (step.fits()) {
                return ctx.generate(step.template(), text, null, seed, usage);
            }
            List<int[]> chunks = new ArrayList<>(step.spans().size());
            for (Span s : step.spans()) {
                chunks.add(Arrays.copyOfRange(text, s.start(), s.end()));
            }
            // one call per chunk, issued together: with batch-size above 1 they decode in the same batch
            text = join(ctx.generateAll(step.template(), chunks, seed, usage), text.length);
        }
        throw tooManyLevels();
    }

    /** How level {@code level} treats a text of textLength tokens. */
    Level level(int level, int textLength) {
        PromptTemplate template = template(level);
        int room = ctx.room(template, null);
        if (textLength <= room) {
            return new Level(level, template, null);
        }
        return new Level(level, template, TokenChunks.split(textLength, room, ctx.overlapFor(room)));
    }

    /** The prompt of a level: summarize the document at level 0, combine summaries above. */
    PromptTemplate template(int level) {
        return level == 0 ? Tasks.summarize(ctx.chat) : Tasks.combine(ctx.chat);
    }

    /**
     * The next level's text: the chunk summaries of a level, in chunk order, stripped and joined; an error when
     * they are not shorter than the text they summarize (the recursion would not end).
     */
    int[] join(List<String> summaries, int textLength) {
        int[] joined = ctx.model.encode(summaries.stream().map(String::strip).collect(Collectors.joining("\n\n")));
        if (joined.length >= textLength) {
            throw new IllegalArgumentException("chunk summaries (" + joined.length + " tokens) are not shorter than the"
                    + " text they summarize (" + textLength + " tokens); lower max-tokens or raise context-tokens");
        }
        return joined;
    }

    static IllegalArgumentException tooManyLevels() {
        return new IllegalArgumentException("document still does not fit the context after " + MAX_LEVELS
                + " levels of summaries; raise context-tokens or lower max-tokens");
    }
}
