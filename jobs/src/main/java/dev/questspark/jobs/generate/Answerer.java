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
 * answers far better from a few relevant chunks than from a whole long document. With router quest the chunks are
 * ranked by Quest's page scores instead ({@link QuestRanking}).
 */
final class Answerer {
    private static final String GAP = "\n[...]\n";

    private final PromptContext ctx;
    private final int chunkTokens;
    private final int contextTokens;
    private final QuestRanking quest;

    /**
     * contextTokens: the most document tokens given to the model (0: as many as the context holds); quest: ranks the
     * chunks by Quest page scores, or null to rank them by BM25.
     */
    Answerer(PromptContext ctx, int chunkTokens, int contextTokens, QuestRanking quest) {
        this.ctx = ctx;
        this.chunkTokens = chunkTokens;
        this.contextTokens = contextTokens;
        this.quest = quest;
    }

    String answer(PromptTemplate template, int[] document, String question, long seed, RowUsage usage) {
        return answer(template, document, question, seed, null, usage);
    }

    /** given: the chunks already ranked by the split QA stages (null, or for other chunks: ranked here). */
    String answer(PromptTemplate template, int[] document, String question, long seed, ChunkOrder given, RowUsage usage) {
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
        int[] ranked;
        String by;
        if (quest != null && given != null && given.ranks(spans.size(), size)) {
            ranked = given.order();
            by = "Quest page scores of the question's queries (chunk pages from the routing stage)";
        } else if (quest != null) {
            PromptTemplate.Segments frame = template.build(ctx.model, ctx.frame, new int[0], question);
            ranked = quest.rank(frame.document(), document, spans, frame.tail(), usage);
            by = "Quest page scores of the question's queries";
        } else {
            ranked = bm25(document, spans, question);
            by = "BM25 against the question";
        }
        List<Span> chosen = choose(spans, ranked, room, gap.length);
        usage.chunks = chosen.size();
        usage.chunksTotal = spans.size();
        usage.note = "document of " + document.length + " tokens: answered from " + chosen.size() + " of " + spans.size()
                + " chunks of " + size + " tokens ranked by " + by + " (at most " + room + " document tokens)";
        return ctx.generate(template, assemble(document, chosen, gap), question, seed, usage);
    }

    private int[] bm25(int[] document, List<Span> spans, String question) {
        List<String> texts = new ArrayList<>(spans.size());
        for (Span s : spans) {
            texts.add(ctx.model.decode(Arrays.copyOfRange(document, s.start(), s.end())));
        }
        return Bm25.rank(Bm25.scoreTexts(texts, question));
    }

    /** The best-ranked chunks that fit in room once assembled, in document order. */
    private static List<Span> choose(List<Span> spans, int[] ranked, int room, int gapTokens) {
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
