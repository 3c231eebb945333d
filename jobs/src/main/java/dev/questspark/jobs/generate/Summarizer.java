package dev.questspark.jobs.generate;

import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Sentences;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Summaries of documents of any length: a document that fits one call (the context's room, at most
 * summary-chunk-tokens) is summarized in one call; a longer one is cut into overlapping token chunks, each chunk is
 * summarized (map), and the joined chunk summaries are summarized again (reduce), recursively until they fit. Every
 * call writes at most half as many tokens as the text it summarizes, so a summary is never longer than its source,
 * and a summary cut by that limit ends at its last complete sentence. {@link #level} and {@link #join} are the rule; this
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
    private final int chunkTokens;
    private final int sentences;

    /**
     * chunkTokens: the longest text summarized in one call (0: as much as the context holds); sentences: the most
     * sentences each summary keeps (0: no limit).
     */
    Summarizer(PromptContext ctx, int chunkTokens, int sentences) {
        this.ctx = ctx;
        this.chunkTokens = chunkTokens;
        this.sentences = sentences;
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
                if (level > 0) {
                    usage.note = note(0, usage.chunks, 0, level); // as the split stages write it, which do not know the sizes
                }
                return call(step.template(), text, seed, usage.calls, usage);
            }
            List<int[]> chunks = new ArrayList<>(step.spans().size());
            for (Span s : step.spans()) {
                chunks.add(Arrays.copyOfRange(text, s.start(), s.end()));
            }
            // one call per chunk, issued together: with batch-size above 1 they decode in the same batch
            List<String> summaries = ctx.generateAll(step.template(), chunks, seed, usage, Summarizer::limit).stream()
                    .map(this::tidy).toList();
            text = join(summaries, text.length);
        }
        throw tooManyLevels();
    }

    /** How level {@code level} treats a text of textLength tokens. */
    Level level(int level, int textLength) {
        PromptTemplate template = template(level);
        int fits = ctx.room(template, null);
        int room = chunkTokens > 0 ? Math.min(fits, chunkTokens) : fits;
        if (textLength <= room) {
            return new Level(level, template, null);
        }
        return new Level(level, template, TokenChunks.split(textLength, room, ctx.overlapFor(room)));
    }

    /** One model call on text, number {@code call} of its row: at most half its tokens, ending at a complete sentence. */
    String call(PromptTemplate template, int[] text, long seed, int call, RowUsage usage) {
        return tidy(ctx.generate(template, text, null, seed, call, false, limit(text.length), usage));
    }

    /** A generated summary cut to its first sentences, ending at a complete one when a token limit cut it. */
    String tidy(String generated) {
        return Sentences.first(Sentences.trimToLastComplete(generated.strip()), sentences);
    }

    /** The most tokens a summary of textLength tokens may have: half of them, so it is shorter than its text. */
    static int limit(int textLength) {
        return Math.max(1, textLength / 2);
    }

    /** The note of a chunked document's row (output column note); sizes of 0 are left out (not known where it is made). */
    static String note(int documentTokens, int chunks, int chunkTokens, int levels) {
        return (documentTokens > 0 ? "document of " + documentTokens + " tokens summarized" : "summarized") + " in " + chunks
                + " chunks" + (chunkTokens > 0 ? " of at most " + chunkTokens + " tokens" : "")
                + ", then the chunk summaries combined in " + levels + (levels == 1 ? " step" : " steps");
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
