package dev.questspark.jobs.generate;

import dev.questspark.jobs.text.Bm25;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.TokenChunks;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers a question about a document: the whole document when it fits the context tokens (qa-context-tokens, at
 * most what the model's context leaves); otherwise the chunks that BM25 ranks most relevant to the question, as many
 * as fit, in document order (adjacent chunks joined without repeating their overlap, gaps marked). A small model
 * answers far better from a few relevant chunks than from a whole long document.
 */
final class Answerer {
    private static final String GAP = "\n[...]\n";

    private final PromptContext ctx;
    private final int chunkTokens;
    private final int contextTokens;

    /** contextTokens: the most document tokens given to the model (0: as many as the context holds). */
    Answerer(PromptContext ctx, int chunkTokens, int contextTokens) {
        this.ctx = ctx;
        this.chunkTokens = chunkTokens;
        this.contextTokens = contextTokens;
    }

    String answer(PromptTemplate template, int[] document, String question, long seed, RowUsage usage) {
        int fits = ctx.room(template, question);
        int room = contextTokens > 0 ? Math.min(fits, contextTokens) : fits;
        if (document.length <= room) {
            usage.chunks = 1;
            usage.chunksTotal = 1;
            // The whole document: its prompt segment does not depend on the question, so it can be a KV snapshot.
            return ctx.generate(template, document, question, seed, true, usage);
        }
        // Chunks chosen for this question: another question gets another segment, so no snapshot.
        int size = Math.min(chunkTokens, room);
        List<Span> spans = TokenChunks.split(document.length, size, ctx.overlapFor(size));
        int[] gap = ctx.model.encode(GAP);
        List<Span> chosen = choose(document, spans, question, room, gap.length);
        usage.chunks = chosen.size();
        usage.chunksTotal = spans.size();
        usage.note = "document of " + document.length + " tokens: answered from " + chosen.size() + " of " + spans.size()
                + " chunks of " + size + " tokens ranked by BM25 against the question (at most " + room + " document tokens)";
        return ctx.generate(template, assemble(document, chosen, gap), question, seed, usage);
    }

    private List<Span> choose(int[] document, List<Span> spans, String question, int room, int gapTokens) {
        List<String> texts = new ArrayList<>(spans.size());
        for (Span s : spans) {
            texts.add(ctx.model.decode(Arrays.copyOfRange(document, s.start(), s.end())));
        }
        int[] ranked = Bm25.rank(Bm25.scoreTexts(texts, question));
        boolean[] chosen = new boolean[spans.size()];
        for (int i : ranked) {
            chosen[i] = true;
            if (assembledLength(spans, chosen, gapTokens) > room) {
                chosen[i] = false;
            }
        }
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            if (chosen[i]) {
                out.add(spans.get(i));
            }
        }
        return out;
    }

    private static int assembledLength(List<Span> spans, boolean[] chosen, int gapTokens) {
        int n = 0;
        Span prev = null;
        for (int i = 0; i < spans.size(); i++) {
            if (!chosen[i]) {
                continue;
            }
            Span s = spans.get(i);
            if (prev == null) {
                n += s.length();
            } else if (s.start() <= prev.end()) {
                n += s.end() - prev.end();
            } else {
                n += gapTokens + s.length();
            }
            prev = s;
        }
        return n;
    }

    private static int[] assemble(int[] document, List<Span> chosen, int[] gap) {
        int[] out = new int[document.length + chosen.size() * gap.length];
        int n = 0;
        Span prev = null;
        for (Span s : chosen) {
            int from = s.start();
            if (prev != null && s.start() <= prev.end()) {
                from = prev.end();
            } else if (prev != null) {
                System.arraycopy(gap, 0, out, n, gap.length);
                n += gap.length;
            }
            System.arraycopy(document, from, out, n, s.end() - from);
            n += s.end() - from;
            prev = s;
        }
        return Arrays.copyOf(out, n);
    }
}
