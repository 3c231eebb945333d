package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.ModelInfo;
import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes a session's document to a KV snapshot file. Keys, values and key bounds go from the cache's memory to the
 * file without a copy (the record batches wrap the cache's buffers); only offsets and the tokens and logits are new.
 */
final class KvSnapshotWriter {
    private KvSnapshotWriter() {}

    static KvSnapshotHeader write(ModelInfo model, DecoderSession session, String documentId, Path file) throws IOException {
        if (session.length() == 0) {
            throw new IllegalArgumentException("the session is empty: prefill the document before snapshotting it");
        }
        PagedKvCache cache = PageMetadataExporter.pagedCache(session);
        checkShape(model, cache.config());
        float[] next = session.logits(); // first: it runs the context's last token when the cache still lacks it
        ByteBuffer logits = littleEndian(next.length * Float.BYTES);
        logits.asFloatBuffer().put(next);
        int[] tokens = session.tokens();
        ByteBuffer tokenBytes = littleEndian(tokens.length * Integer.BYTES);
        tokenBytes.asIntBuffer().put(tokens);
        if (cache.length() != tokens.length) {
            throw new IllegalStateException("the KV cache holds " + cache.length() + " tokens but the session " + tokens.length);
        }
        KvSnapshotHeader header = KvSnapshotHeader.of(model, documentId, cache.config().quest().pageSize(), tokens.length,
                payloadCrc(cache, tokenBytes, logits));
        PageMetadataExporter meta = new PageMetadataExporter(cache, documentId, PageMetadataExporter.Batching.PER_HEAD);
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(KvSnapshotSchema.schema(model.headDim(), header.toMetadata()), alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
            writer.start();
            for (int b = 0; b < meta.batchCount(); b++) {
                int layer = b / cache.config().kvHeads();
                fillKv(root, cache.pages(layer, b % cache.config().kvHeads()), cache.firstToken(layer), cache.length());
                fillDocument(root, b == 0 ? tokenBytes : null, b == 0 ? logits : null);
                meta.fill(root, b);
                writer.writeBatch();
            }
            writer.end();
            ch.force(true);
        }
        return header;
    }

    /** The checksum the header records: tokens, logits, then per (layer, KV head) keys, values, key min, key max. */
    private static long payloadCrc(PagedKvCache cache, ByteBuffer tokens, ByteBuffer logits) {
        PayloadChecksum crc = new PayloadChecksum().update(tokens).update(logits);
        PagedKvCacheConfig c = cache.config();
        for (int layer = 0; layer < c.layers(); layer++) {
            long kvBytes = (long) (cache.length() - cache.firstToken(layer)) * c.headDim() * 2;
            long boundBytes = (long) (cache.pageCount() - cache.firstPage(layer)) * c.headDim() * Float.BYTES;
            for (int h = 0; h < c.kvHeads(); h++) {
                HeadPages hp = cache.pages(layer, h);
                crc.update(CacheBuffers.slice(hp.keysView(), 0, kvBytes)).update(CacheBuffers.slice(hp.valuesView(), 0, kvBytes))
                        .update(CacheBuffers.slice(hp.keyMinView(), 0, boundBytes))
                        .update(CacheBuffers.slice(hp.keyMaxView(), 0, boundBytes));
            }
        }
        return crc.value();
    }

    /**
     * keys and values of one (layer, KV head): a row per page over the cache's own memory, from the page of first
     * (0, or where a sliding-window layer keeping only its window starts).
     */
    private static void fillKv(VectorSchemaRoot root, HeadPages hp, int first, int length) {
        int tokens = length - first;
        int pages = (tokens + hp.pageSize() - 1) / hp.pageSize();
        int rowBytes = hp.headDim() * 2;
        int[] offsets = new int[pages + 1];
        for (int p = 0; p <= pages; p++) {
            offsets[p] = Math.min(p * hp.pageSize(), tokens) * rowBytes;
        }
        VarBinaryVector keys = (VarBinaryVector) root.getVector(KvSnapshotSchema.KEYS);
        VarBinaryVector values = (VarBinaryVector) root.getVector(KvSnapshotSchema.VALUES);
        long bytes = (long) tokens * rowBytes;
        VectorLoading.binary(keys, offsets, CacheBuffers.wrap(keys.getAllocator(), hp.keysView(), 0, bytes));
        VectorLoading.binary(values, offsets, CacheBuffers.wrap(values.getAllocator(), hp.valuesView(), 0, bytes));
    }

    /** tokens and next_logits: set on the first row when given, null everywhere else. */
    private static void fillDocument(VectorSchemaRoot root, ByteBuffer tokens, ByteBuffer logits) {
        firstRowList((ListVector) root.getVector(KvSnapshotSchema.TOKENS), tokens, Integer.BYTES);
        firstRowList((ListVector) root.getVector(KvSnapshotSchema.NEXT_LOGITS), logits, Float.BYTES);
    }

    private static void firstRowList(ListVector list, ByteBuffer data, int width) {
        list.allocateNew();
        if (data == null) {
            return;
        }
        int n = data.remaining() / width;
        FieldVector child = (FieldVector) list.getDataVector();
        VectorLoading.fixedWidth(child, n, CacheBuffers.copy(list.getAllocator(), data, data.position(), data.remaining()));
        list.startNewValue(0);
        list.endValue(0, n);
    }

    private static void checkShape(ModelInfo model, PagedKvCacheConfig c) {
        if (c.layers() != model.layers() || c.kvHeads() != model.kvHeads() || c.headDim() != model.headDim()
                || c.heads() != model.heads()) {
            throw new IllegalArgumentException("the session's KV cache (" + c.layers() + " layers, " + c.heads() + " heads, "
                    + c.kvHeads() + " KV heads, head dim " + c.headDim() + ") is not from model '" + model.name()
                    + "'; snapshot a session of the engine that made it");
        }
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
