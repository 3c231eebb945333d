package dev.questspark.arrow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * The record batches of a KV snapshot file, read one at a time into the reader's root and checked for the exact
 * structure the header implies. Arrow's own failures on a damaged file become {@code CORRUPTED}.
 */
final class SnapshotBatches {
    private final ArrowFileReader reader;
    private final KvSnapshotHeader header;
    private final Path file;
    private final byte[] documentId;

    /**
     * One (layer, KV head): views of the reader's buffers, valid until the next batch is read.
     *
     * @param tokens (tokenCount) int32, on batch 0 only
     * @param logits (vocab) f32, on batch 0 only
     * @param firstToken the first token of the batch's pages: 0, or where a sliding-window layer's kept window starts
     * @param keys   (tokenCount - firstToken, headDim) binary16
     * @param keyMin (pages from firstToken's, headDim) f32
     */
    record Batch(int layer, int kvHead, ByteBuffer tokens, ByteBuffer logits, int firstToken, ByteBuffer keys, ByteBuffer values,
                 ByteBuffer keyMin, ByteBuffer keyMax) {
    }

    interface ArrowCall<T> {
        T call() throws IOException;
    }

    SnapshotBatches(ArrowFileReader reader, KvSnapshotHeader header, Path file) {
        this.reader = reader;
        this.header = header;
        this.file = file;
        this.documentId = header.documentId().getBytes(StandardCharsets.UTF_8);
    }

    /** Runs a read of the file through Arrow; Arrow's exceptions mean the file is damaged. */
    static <T> T arrow(Path file, ArrowCall<T> call) {
        try {
            return call.call();
        } catch (KvSnapshotException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new KvSnapshotException(KvSnapshotException.Reason.CORRUPTED, file, "the file is truncated or corrupted: Arrow cannot "
                    + "read it (" + e + "); delete it and snapshot the document again", e);
        }
    }

    /** The columns and the number of batches are those of this header's snapshot. */
    void checkLayout() {
        arrow(file, () -> {
            var fields = reader.getVectorSchemaRoot().getSchema().getFields();
            if (!fields.equals(KvSnapshotSchema.schema(header.headDim(), null).getFields())) {
                throw KvSnapshotHeader.corrupted(file, "its columns are " + fields + ", not those of a KV snapshot with head dim "
                        + header.headDim());
            }
            int batches = reader.getRecordBlocks().size();
            if (batches != header.layers() * header.kvHeads()) {
                throw KvSnapshotHeader.corrupted(file, "it has " + batches + " record batches, not one per (layer, KV head) = "
                        + header.layers() * header.kvHeads());
            }
            return null;
        });
    }

    /** Reads batch number b, which must be the next one. */
    Batch next(int b) {
        return arrow(file, () -> {
            if (!reader.loadNextBatch()) {
                throw KvSnapshotHeader.corrupted(file, "it ends after " + b + " record batches");
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            int layer = b / header.kvHeads();
            int head = b % header.kvHeads();
            int first = checkRows(root, layer, head);
            ByteBuffer tokens = null;
            ByteBuffer logits = null;
            if (b == 0) {
                tokens = firstRow(list(root, KvSnapshotSchema.TOKENS), header.tokenCount(), Integer.BYTES);
                logits = firstRow(list(root, KvSnapshotSchema.NEXT_LOGITS), header.vocabSize(), Float.BYTES);
            } else {
                allNull(list(root, KvSnapshotSchema.TOKENS), b);
                allNull(list(root, KvSnapshotSchema.NEXT_LOGITS), b);
            }
            int firstToken = first * header.pageSize();
            long kvBytes = (long) (header.tokenCount() - firstToken) * header.headDim() * 2;
            long boundBytes = (long) (header.pages() - first) * header.headDim() * Float.BYTES;
            return new Batch(layer, head, tokens, logits, firstToken, region(binary(root, KvSnapshotSchema.KEYS), kvBytes),
                    region(binary(root, KvSnapshotSchema.VALUES), kvBytes), region(channels(root, PageMetadataSchema.KEY_MIN), boundBytes),
                    region(channels(root, PageMetadataSchema.KEY_MAX), boundBytes));
        });
    }

    /**
     * Every row is the page it must be: layer, head, index, token range, document, byte lengths; no nulls. The rows
     * are the pages from the first row's index to the last (from 0, except for a sliding-window layer that kept only
     * its window, which the cache checks on load); returns that first page.
     */
    private int checkRows(VectorSchemaRoot root, int layer, int head) {
        int p = header.pageSize();
        int t = header.tokenCount();
        IntVector pageIndex = (IntVector) root.getVector(PageMetadataSchema.PAGE_INDEX);
        int firstPage = root.getRowCount() > 0 && !pageIndex.isNull(0) ? pageIndex.get(0) : 0;
        if (firstPage < 0 || firstPage >= header.pages() || root.getRowCount() != header.pages() - firstPage) {
            throw KvSnapshotHeader.corrupted(file, "the batch of layer " + layer + " KV head " + head + " has " + root.getRowCount()
                    + " rows from page " + firstPage + ", not the pages from there to page " + (header.pages() - 1));
        }
        int pages = header.pages() - firstPage;
        for (FieldVector v : root.getFieldVectors()) {
            if (!(v instanceof ListVector) && v.getNullCount() != 0) {
                throw KvSnapshotHeader.corrupted(file, "column " + v.getName() + " has nulls in layer " + layer + " KV head " + head);
            }
        }
        IntVector layers = (IntVector) root.getVector(PageMetadataSchema.LAYER);
        IntVector heads = (IntVector) root.getVector(PageMetadataSchema.KV_HEAD);
        IntVector index = (IntVector) root.getVector(PageMetadataSchema.PAGE_INDEX);
        IntVector first = (IntVector) root.getVector(PageMetadataSchema.FIRST_TOKEN);
        IntVector count = (IntVector) root.getVector(PageMetadataSchema.TOKEN_COUNT);
        VarCharVector ids = (VarCharVector) root.getVector(PageMetadataSchema.DOCUMENT_ID);
        VarBinaryVector keys = binary(root, KvSnapshotSchema.KEYS);
        VarBinaryVector values = binary(root, KvSnapshotSchema.VALUES);
        int rowBytes = header.headDim() * 2;
        for (int i = 0; i < pages; i++) {
            int page = firstPage + i;
            int n = Math.min(p, t - page * p);
            boolean ok = layers.get(i) == layer && heads.get(i) == head && index.get(i) == page && first.get(i) == page * p
                    && count.get(i) == n && Arrays.equals(ids.get(i), documentId)
                    && keys.getStartOffset(i) == i * p * rowBytes && keys.getValueLength(i) == n * rowBytes
                    && values.getStartOffset(i) == i * p * rowBytes && values.getValueLength(i) == n * rowBytes;
            if (!ok) {
                throw KvSnapshotHeader.corrupted(file, "row " + i + " of layer " + layer + " KV head " + head + " is not page " + page
                        + " of tokens [" + page * p + ", " + (page * p + n) + ") of document '" + header.documentId() + "'");
            }
        }
        return firstPage;
    }

    /** The first row's values of a document column (n values of width bytes); the other rows must be null. */
    private ByteBuffer firstRow(ListVector list, int n, int width) {
        int rows = list.getValueCount();
        FieldVector child = (FieldVector) list.getDataVector();
        if (list.isNull(0) || list.getNullCount() != rows - 1 || list.getElementStartIndex(0) != 0
                || list.getElementEndIndex(0) != n || child.getNullCount() != 0) {
            throw KvSnapshotHeader.corrupted(file, "column " + list.getName() + " must hold " + n + " values on its first row only");
        }
        return region(child.getDataBuffer(), (long) n * width);
    }

    private void allNull(ListVector list, int batch) {
        if (list.getNullCount() != list.getValueCount()) {
            throw KvSnapshotHeader.corrupted(file, "column " + list.getName() + " has values in record batch " + batch);
        }
    }

    private ArrowBuf channels(VectorSchemaRoot root, String name) {
        FieldVector child = ((FixedSizeListVector) root.getVector(name)).getDataVector();
        if (child.getNullCount() != 0) {
            throw KvSnapshotHeader.corrupted(file, "column " + name + " has null channels");
        }
        return child.getDataBuffer();
    }

    /** Bytes [0, length) of buf as a little-endian view. */
    private ByteBuffer region(FieldVector v, long length) {
        return region(v.getDataBuffer(), length);
    }

    private ByteBuffer region(ArrowBuf buf, long length) {
        if (length > buf.capacity()) {
            throw KvSnapshotHeader.corrupted(file, "a data buffer holds " + buf.capacity() + " bytes where " + length + " are needed");
        }
        return buf.nioBuffer(0, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static VarBinaryVector binary(VectorSchemaRoot root, String name) {
        return (VarBinaryVector) root.getVector(name);
    }

    private static ListVector list(VectorSchemaRoot root, String name) {
        return (ListVector) root.getVector(name);
    }
}
