package dev.questspark.jobs.generate;

import dev.questspark.jobs.qa.ChunkPages;
import dev.questspark.jobs.qa.ChunkPrefill;
import dev.questspark.jobs.qa.QuestRouter;
import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.jobs.text.TokenChunks.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The quest router inside one task: every chunk of the document is prefilled as its prompt head and its page
 * metadata exported to Arrow and read back (what the split QA stages ship between executors), then the question's
 * query vectors rank the chunks ({@link QuestRouter}). The pages of the last document are kept, so the questions
 * about one document prefill its chunks once.
 */
final class QuestRanking {
    private final ChunkPrefill prefill;
    private final PromptContext ctx;
    private final int denseLayers;
    private int[] pagesHead;
    private int[] pagesDocument;
    private List<Span> pagesSpans;
    private List<ChunkPages> pages;

    QuestRanking(PromptContext ctx, ChunkPrefill prefill, int denseLayers) {
        this.ctx = ctx;
        this.prefill = prefill;
        this.denseLayers = denseLayers;
    }

    /** Chunk indices, best first, for a prompt of head, the chosen chunks, then tail (which holds the question). */
    int[] rank(int[] head, int[] document, List<Span> spans, int[] tail, RowUsage usage) {
        List<ChunkPages> chunks = pages(head, document, spans, usage);
        int longest = spans.stream().mapToInt(Span::length).max().orElse(0);
        QuestionQueries q = ctx.model.questionQueries(tail, head.length + longest);
        List<float[]> maxima = new ArrayList<>(chunks.size());
        for (ChunkPages c : chunks) {
            maxima.add(QuestRouter.chunkMaxima(c, q, head.length));
        }
        return QuestRouter.rank(QuestRouter.scores(maxima, q.layers(), q.heads(), q.headDim(), denseLayers));
    }

    private List<ChunkPages> pages(int[] head, int[] document, List<Span> spans, RowUsage usage) {
        if (Arrays.equals(head, pagesHead) && Arrays.equals(document, pagesDocument) && spans.equals(pagesSpans)) {
            return pages;
        }
        long t0 = System.nanoTime();
        List<ChunkPages> out = new ArrayList<>(spans.size());
        for (Span s : spans) {
            out.add(ChunkPages.read(prefill.pages(head, document, s)));
        }
        usage.prefillNanos += System.nanoTime() - t0;
        pagesHead = head;
        pagesDocument = document;
        pagesSpans = spans;
        pages = out;
        return out;
    }
}
