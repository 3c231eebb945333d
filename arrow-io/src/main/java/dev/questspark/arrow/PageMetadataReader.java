package dev.questspark.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** Reads page metadata written by {@link PageMetadataExporter} from Arrow IPC streams and files. */
public final class PageMetadataReader {
    private PageMetadataReader() {}

    /**
     * Reads an Arrow IPC stream of page metadata, handing every batch to onBatch in one reused root (valid during
     * the call only); returns the rows read. The stream is not closed.
     */
    public static long readStream(InputStream in, Consumer<VectorSchemaRoot> onBatch) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             ArrowStreamReader reader = new ArrowStreamReader(new UnclosedInput(in), alloc)) {
            return readAll(reader, onBatch);
        }
    }

    /** {@link #readStream} for an Arrow IPC file. */
    public static long readFile(Path file, Consumer<VectorSchemaRoot> onBatch) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
            return readAll(reader, onBatch);
        }
    }

    /** Every row of an Arrow IPC stream. */
    public static List<PageMetadata> readAllStream(InputStream in) throws IOException {
        List<PageMetadata> rows = new ArrayList<>();
        readStream(in, root -> rows.addAll(rows(root)));
        return rows;
    }

    /** Every row of an Arrow IPC file. */
    public static List<PageMetadata> readAllFile(Path file) throws IOException {
        List<PageMetadata> rows = new ArrayList<>();
        readFile(file, root -> rows.addAll(rows(root)));
        return rows;
    }

    /** The rows of one batch; the key bounds of all rows are read from the child buffers in bulk. */
    public static List<PageMetadata> rows(VectorSchemaRoot root) {
        int headDim = PageMetadataSchema.headDim(root.getSchema());
        int n = root.getRowCount();
        VarCharVector ids = (VarCharVector) root.getVector(PageMetadataSchema.DOCUMENT_ID);
        IntVector layer = (IntVector) root.getVector(PageMetadataSchema.LAYER);
        IntVector kvHead = (IntVector) root.getVector(PageMetadataSchema.KV_HEAD);
        IntVector page = (IntVector) root.getVector(PageMetadataSchema.PAGE_INDEX);
        IntVector first = (IntVector) root.getVector(PageMetadataSchema.FIRST_TOKEN);
        IntVector count = (IntVector) root.getVector(PageMetadataSchema.TOKEN_COUNT);
        FloatBuffer min = channels(root, PageMetadataSchema.KEY_MIN, n, headDim);
        FloatBuffer max = channels(root, PageMetadataSchema.KEY_MAX, n, headDim);
        List<PageMetadata> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] lo = new float[headDim];
            float[] hi = new float[headDim];
            min.get(i * headDim, lo);
            max.get(i * headDim, hi);
            out.add(new PageMetadata(new String(ids.get(i), StandardCharsets.UTF_8), layer.get(i), kvHead.get(i), page.get(i),
                    first.get(i), count.get(i), lo, hi));
        }
        return out;
    }

    private static FloatBuffer channels(VectorSchemaRoot root, String name, int rows, int headDim) {
        FixedSizeListVector v = (FixedSizeListVector) root.getVector(name);
        long bytes = (long) rows * headDim * Float.BYTES;
        return v.getDataVector().getDataBuffer().nioBuffer(0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static long readAll(ArrowReader reader, Consumer<VectorSchemaRoot> onBatch) throws IOException {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        checkSchema(root.getSchema());
        long rows = 0;
        while (reader.loadNextBatch()) {
            onBatch.accept(root);
            rows += root.getRowCount();
        }
        return rows;
    }

    private static void checkSchema(Schema schema) {
        Schema expected = PageMetadataSchema.schema(PageMetadataSchema.headDim(schema));
        if (!expected.getFields().equals(schema.getFields())) {
            throw new IllegalArgumentException("not a page metadata stream: its schema is " + schema + " but page metadata has "
                    + expected);
        }
    }

    /** The caller's stream, not closed when the reader closes. */
    private static final class UnclosedInput extends java.io.FilterInputStream {
        UnclosedInput(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }
}
