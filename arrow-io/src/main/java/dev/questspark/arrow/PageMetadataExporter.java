package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.model.KvCache;
import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Exports the page metadata of a {@link PagedKvCache} (its first {@code length()} tokens) as Arrow record batches of
 * {@link PageMetadataSchema}, rows ordered by KV head then page. The key bounds are never converted value by value:
 * with {@link Batching#PER_LAYER} each head's f32 min and max regions are bulk-copied into the key_min/key_max
 * child data buffers (one {@code ArrowBuf.setBytes} each); with {@link Batching#PER_HEAD} those child buffers are
 * the cache's own memory, wrapped as ArrowBufs without a copy.
 *
 * <p>Zero-copy batches are live views: write or copy them before the session decodes again.
 */
public final class PageMetadataExporter {
    /** How rows are grouped into record batches. */
    public enum Batching {
        /** One batch per layer, all its KV heads; key bounds copied in bulk. */
        PER_LAYER,
        /** One batch per (layer, KV head); key bounds shared with the cache (zero-copy). */
        PER_HEAD
    }

    private final PagedKvCache cache;
    private final String documentId;
    private final Batching batching;

    public PageMetadataExporter(PagedKvCache cache, String documentId, Batching batching) {
        if (documentId == null || batching == null) {
            throw new IllegalArgumentException("document id and batching must be set");
        }
        this.cache = cache;
        this.documentId = documentId;
        this.batching = batching;
    }

    /** The exporter of a session's cache, which must be the engine's {@link PagedKvCache}. */
    public static PageMetadataExporter of(DecoderSession session, String documentId, Batching batching) {
        return new PageMetadataExporter(pagedCache(session), documentId, batching);
    }

    static PagedKvCache pagedCache(DecoderSession session) {
        KvCache c = session.kvCache();
        if (!(c instanceof PagedKvCache paged)) {
            throw new IllegalArgumentException("page metadata needs a session on a PagedKvCache (Engine.newSession(QuestConfig, int)), got "
                    + c.getClass().getSimpleName());
        }
        return paged;
    }

    /** The schema of the exported batches (for the cache's head dim). */
    public Schema schema() {
        return PageMetadataSchema.schema(cache.config().headDim());
    }

    public int batchCount() {
        int layers = cache.config().layers();
        return batching == Batching.PER_LAYER ? layers : layers * cache.config().kvHeads();
    }

    /** Pages exported per (layer, KV head): those holding the cache's tokens, the last one possibly partial. */
    public int pagesPerHead() {
        return cache.pageCount();
    }

    /**
     * Pages exported per KV head of layer: {@link #pagesPerHead()}, less the pages before {@link PagedKvCache#firstPage}
     * for a sliding-window layer keeping only its window (its rows start at that page index).
     */
    public int pagesPerHead(int layer) {
        return cache.pageCount() - cache.firstPage(layer);
    }

    /** Fills root (made from {@link #schema()}) with batch number batch, replacing what it held. */
    public void fill(VectorSchemaRoot root, int batch) {
        if (batch < 0 || batch >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + batch + " outside [0, " + batchCount() + ")");
        }
        int kvHeads = cache.config().kvHeads();
        int layer = batching == Batching.PER_LAYER ? batch : batch / kvHeads;
        int firstHead = batching == Batching.PER_LAYER ? 0 : batch % kvHeads;
        int heads = batching == Batching.PER_LAYER ? kvHeads : 1;
        int pages = pagesPerHead(layer);
        int rows = heads * pages;
        fillRowColumns(root, layer, firstHead, heads, pages);
        BufferAllocator alloc = root.getVector(PageMetadataSchema.KEY_MIN).getAllocator();
        VectorLoading.fixedSizeList(list(root, PageMetadataSchema.KEY_MIN), rows, bounds(alloc, layer, firstHead, heads, pages, true));
        VectorLoading.fixedSizeList(list(root, PageMetadataSchema.KEY_MAX), rows, bounds(alloc, layer, firstHead, heads, pages, false));
        root.setRowCount(rows);
    }

    /** Writes every batch as an Arrow IPC stream; returns the rows written. The stream is left open. */
    public long writeStream(OutputStream out) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema(), alloc);
             ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(new UnclosedStream(out)))) {
            return writeAll(root, writer);
        }
    }

    /** Writes every batch to an Arrow IPC file (created or replaced); returns the rows written. */
    public long writeFile(Path file) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema(), alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
            return writeAll(root, writer);
        }
    }

    private long writeAll(VectorSchemaRoot root, ArrowWriter writer) throws IOException {
        long rows = 0;
        writer.start();
        for (int b = 0; b < batchCount(); b++) {
            fill(root, b);
            writer.writeBatch();
            rows += root.getRowCount();
        }
        writer.end();
        return rows;
    }

    private void fillRowColumns(VectorSchemaRoot root, int layer, int firstHead, int heads, int pages) {
        int rows = heads * pages;
        int pageSize = cache.config().quest().pageSize();
        int tokens = cache.length();
        int first = cache.firstPage(layer);
        byte[] id = documentId.getBytes(StandardCharsets.UTF_8);
        VarCharVector ids = (VarCharVector) root.getVector(PageMetadataSchema.DOCUMENT_ID);
        ids.allocateNew((long) id.length * rows, rows);
        IntVector layers = allocate(root, PageMetadataSchema.LAYER, rows);
        IntVector kvHeads = allocate(root, PageMetadataSchema.KV_HEAD, rows);
        IntVector pageIndex = allocate(root, PageMetadataSchema.PAGE_INDEX, rows);
        IntVector firstToken = allocate(root, PageMetadataSchema.FIRST_TOKEN, rows);
        IntVector tokenCount = allocate(root, PageMetadataSchema.TOKEN_COUNT, rows);
        for (int h = 0; h < heads; h++) {
            for (int p = first; p < first + pages; p++) {
                int row = h * pages + p - first;
                ids.set(row, id);
                layers.set(row, layer);
                kvHeads.set(row, firstHead + h);
                pageIndex.set(row, p);
                firstToken.set(row, p * pageSize);
                tokenCount.set(row, Math.min(pageSize, tokens - p * pageSize));
            }
        }
    }

    /** The f32 key bounds of heads [firstHead, firstHead + heads) of layer, pages each, as one buffer. */
    private ArrowBuf bounds(BufferAllocator alloc, int layer, int firstHead, int heads, int pages, boolean min) {
        long perHead = (long) pages * cache.config().headDim() * Float.BYTES;
        if (batching == Batching.PER_HEAD) {
            HeadPages hp = cache.pages(layer, firstHead);
            return CacheBuffers.wrap(alloc, min ? hp.keyMinView() : hp.keyMaxView(), 0, perHead);
        }
        ArrowBuf buf = alloc.buffer(perHead * heads);
        for (int h = 0; h < heads; h++) {
            HeadPages hp = cache.pages(layer, firstHead + h);
            buf.setBytes(h * perHead, CacheBuffers.slice(min ? hp.keyMinView() : hp.keyMaxView(), 0, perHead));
        }
        return buf;
    }

    private static IntVector allocate(VectorSchemaRoot root, String name, int rows) {
        IntVector v = (IntVector) root.getVector(name);
        v.allocateNew(rows);
        return v;
    }

    private static FixedSizeListVector list(VectorSchemaRoot root, String name) {
        return (FixedSizeListVector) root.getVector(name);
    }

    /** The caller's stream, flushed but not closed when the writer closes. */
    private static final class UnclosedStream extends java.io.FilterOutputStream {
        UnclosedStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
