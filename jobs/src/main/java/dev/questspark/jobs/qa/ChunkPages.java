package dev.questspark.jobs.qa;

import dev.questspark.arrow.PageMetadata;
import dev.questspark.arrow.PageMetadataReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The key bounds of one prefilled chunk prompt, read back from the Arrow IPC stream of page metadata its prefill
 * exported ({@link dev.questspark.arrow.PageMetadataSchema}): what the Quest router scores a question against.
 */
public final class ChunkPages {
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int pages;
    private final int[] firstPage;    // (layers) first page exported: 0, or where a sliding-window layer's window starts
    private final int[] firstToken;   // (pages) position of each page's first token in the chunk prompt
    private final int[] tokenCount;   // (pages)
    private final float[][] keyMin;   // (layer * kvHeads + kvHead, pages * headDim)
    private final float[][] keyMax;   // (layer * kvHeads + kvHead, pages * headDim)

    private ChunkPages(int layers, int kvHeads, int headDim, int pages) {
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.pages = pages;
        this.firstPage = new int[layers];
        this.firstToken = new int[pages];
        this.tokenCount = new int[pages];
        this.keyMin = new float[layers * kvHeads][pages * headDim];
        this.keyMax = new float[layers * kvHeads][pages * headDim];
    }

    /** Parses an Arrow IPC stream of one prompt's page metadata; every (layer, KV head, page) must be in it once. */
    public static ChunkPages read(byte[] arrowStream) {
        List<PageMetadata> rows;
        try {
            rows = PageMetadataReader.readAllStream(new ByteArrayInputStream(arrowStream));
        } catch (IOException e) {
            throw new UncheckedIOException("page metadata stream unreadable: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("page metadata stream holds no pages");
        }
        int layers = 0;
        int kvHeads = 0;
        int pages = 0;
        for (PageMetadata m : rows) {
            layers = Math.max(layers, m.layer() + 1);
            kvHeads = Math.max(kvHeads, m.kvHead() + 1);
            pages = Math.max(pages, m.pageIndex() + 1);
        }
        int headDim = rows.get(0).keyMin().length;
        int[] first = new int[layers];
        java.util.Arrays.fill(first, pages);
        for (PageMetadata m : rows) {
            first[m.layer()] = Math.min(first[m.layer()], m.pageIndex());
        }
        long expected = 0;
        for (int f : first) {
            expected += (long) kvHeads * (pages - f);
        }
        if (expected != rows.size()) {
            throw new IllegalArgumentException("page metadata of " + layers + " layers, " + kvHeads + " KV heads and " + pages
                    + " pages should have " + expected + " rows, got " + rows.size());
        }
        ChunkPages c = new ChunkPages(layers, kvHeads, headDim, pages);
        System.arraycopy(first, 0, c.firstPage, 0, layers);
        for (PageMetadata m : rows) {
            int p = m.pageIndex();
            c.firstToken[p] = m.firstToken();
            c.tokenCount[p] = m.tokenCount();
            System.arraycopy(m.keyMin(), 0, c.keyMin[m.layer() * kvHeads + m.kvHead()], p * headDim, headDim);
            System.arraycopy(m.keyMax(), 0, c.keyMax[m.layer() * kvHeads + m.kvHead()], p * headDim, headDim);
        }
        return c;
    }

    public int layers() {
        return layers;
    }

    /** The first page of layer in the metadata (a sliding-window layer keeping only its window exports no earlier ones). */
    public int firstPage(int layer) {
        return firstPage[layer];
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    public int pages() {
        return pages;
    }

    /** One past the position of page p's last token. */
    public int pageEnd(int p) {
        return firstToken[p] + tokenCount[p];
    }

    /** Channel c of the key minimum of page p of (layer, kvHead). */
    public float min(int layer, int kvHead, int p, int c) {
        return keyMin[layer * kvHeads + kvHead][p * headDim + c];
    }

    /** Channel c of the key maximum of page p of (layer, kvHead). */
    public float max(int layer, int kvHead, int p, int c) {
        return keyMax[layer * kvHeads + kvHead][p * headDim + c];
    }

    /** (pages, headDim) channel minimum of the keys of (layer, kvHead). */
    float[] keyMin(int layer, int kvHead) {
        return keyMin[layer * kvHeads + kvHead];
    }

    /** (pages, headDim) channel maximum of the keys of (layer, kvHead). */
    float[] keyMax(int layer, int kvHead) {
        return keyMax[layer * kvHeads + kvHead];
    }
}
