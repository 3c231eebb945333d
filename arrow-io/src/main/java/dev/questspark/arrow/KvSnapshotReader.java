package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.ModelInfo;
import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * Reads KV snapshot files: checks the header against the engine before allocating a session, then streams one
 * (layer, KV head) batch at a time into the new session's cache, checking every row's structure, the stored key
 * bounds against the bounds the cache recomputes from the keys, and finally the payload checksum. A session is
 * returned only when every check passed; otherwise it is closed and a {@link KvSnapshotException} says why.
 */
final class KvSnapshotReader {
    /** Arrow may allocate at most this much beyond twice the file size (so a corrupt length cannot exhaust memory). */
    private static final long ALLOCATION_SLACK = 64L << 20;

    private KvSnapshotReader() {}

    static KvSnapshotHeader readHeader(Path file) {
        return read(file, (reader, header) -> header);
    }

    static DecoderSession restore(Engine engine, QuestConfig quest, int maxContextTokens, Path file, int[] expectedTokens) {
        ModelInfo model = engine.info();
        return read(file, (reader, header) -> {
            header.checkCompatible(model, quest.pageSize(), file);
            int capacity = Math.min(maxContextTokens, model.contextLength());
            if (header.tokenCount() > capacity) {
                throw new KvSnapshotException(KvSnapshotException.Reason.CONTEXT_TOO_SMALL, file, "it holds " + header.tokenCount()
                        + " tokens but the session's context is " + capacity + " tokens; restore with a larger context");
            }
            if (expectedTokens != null && expectedTokens.length != header.tokenCount()) {
                throw otherDocument(file, header.tokenCount(), expectedTokens.length);
            }
            SnapshotBatches batches = new SnapshotBatches(reader, header, file);
            batches.checkLayout();
            DecoderSession session = engine.newSession(quest, capacity);
            try {
                load(batches, header, file, PageMetadataExporter.pagedCache(session), expectedTokens, session);
                return session;
            } catch (RuntimeException | Error e) {
                session.close();
                throw e;
            }
        });
    }

    /**
     * Loads the snapshot into empty, a session of engine on an empty paged cache (for example one reserved in a batch's
     * memory budget), with the same checks as {@link #restore}; on an exception the session may hold part of it.
     */
    static void restoreInto(Engine engine, DecoderSession empty, Path file, int[] expectedTokens) {
        PagedKvCache cache = PageMetadataExporter.pagedCache(empty);
        read(file, (reader, header) -> {
            header.checkCompatible(engine.info(), cache.config().quest().pageSize(), file);
            if (header.tokenCount() > cache.config().capacity()) {
                throw new KvSnapshotException(KvSnapshotException.Reason.CONTEXT_TOO_SMALL, file, "it holds " + header.tokenCount()
                        + " tokens but the session's context is " + cache.config().capacity() + " tokens; restore with a larger context");
            }
            if (expectedTokens != null && expectedTokens.length != header.tokenCount()) {
                throw otherDocument(file, header.tokenCount(), expectedTokens.length);
            }
            SnapshotBatches batches = new SnapshotBatches(reader, header, file);
            batches.checkLayout();
            load(batches, header, file, cache, expectedTokens, empty);
            return null;
        });
    }

    private interface Body<T> {
        T read(ArrowFileReader reader, KvSnapshotHeader header);
    }

    /** Opens file, parses its header and runs body with the open reader. */
    private static <T> T read(Path file, Body<T> body) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new KvSnapshotException(KvSnapshotException.Reason.UNREADABLE, file, "the file does not exist", e);
        } catch (IOException e) {
            throw new KvSnapshotException(KvSnapshotException.Reason.UNREADABLE, file, "cannot read it: " + e, e);
        }
        try (BufferAllocator alloc = new RootAllocator(2 * size + ALLOCATION_SLACK);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
            KvSnapshotHeader header = SnapshotBatches.arrow(file,
                    () -> KvSnapshotHeader.fromMetadata(reader.getVectorSchemaRoot().getSchema().getCustomMetadata(), file));
            return body.read(reader, header);
        } catch (IOException e) {
            throw new KvSnapshotException(KvSnapshotException.Reason.UNREADABLE, file, "cannot read it: " + e, e);
        }
    }

    /** Loads every batch into cache, then checks the payload checksum and bounds before the session adopts it. */
    private static void load(SnapshotBatches batches, KvSnapshotHeader header, Path file, PagedKvCache cache,
                             int[] expectedTokens, DecoderSession session) {
        PayloadChecksum crc = new PayloadChecksum();
        int[] tokens = null;
        float[] logits = null;
        String boundsMismatch = null;
        for (int b = 0; b < header.layers() * header.kvHeads(); b++) {
            SnapshotBatches.Batch batch = batches.next(b);
            if (b == 0) {
                crc.update(batch.tokens()).update(batch.logits());
                tokens = new int[header.tokenCount()];
                batch.tokens().asIntBuffer().get(tokens);
                if (expectedTokens != null && !Arrays.equals(tokens, expectedTokens)) {
                    int at = Arrays.mismatch(tokens, expectedTokens);
                    throw new KvSnapshotException(KvSnapshotException.Reason.OTHER_DOCUMENT, file, "it holds other tokens than the "
                            + "document's: token " + at + " is " + tokens[at] + " in the snapshot but " + expectedTokens[at]
                            + " in the document; prefill the document and snapshot it again");
                }
                logits = new float[header.vocabSize()];
                batch.logits().asFloatBuffer().get(logits);
            }
            crc.update(batch.keys()).update(batch.values()).update(batch.keyMin()).update(batch.keyMax());
            try {
                cache.load(batch.layer(), batch.kvHead(), batch.firstToken(), batch.keys(), batch.values(), header.tokenCount());
            } catch (IllegalArgumentException e) {
                throw KvSnapshotHeader.corrupted(file, "layer " + batch.layer() + " KV head " + batch.kvHead() + " cannot be loaded: "
                        + e.getMessage());
            }
            HeadPages hp = cache.pages(batch.layer(), batch.kvHead());
            // the cache may keep fewer of a sliding layer's pages than the file has (its window): compare those
            int skip = (cache.firstToken(batch.layer()) - batch.firstToken()) / header.pageSize();
            long boundBytes = (long) (header.pages() - cache.firstPage(batch.layer())) * header.headDim() * Float.BYTES;
            long skipBytes = (long) skip * header.headDim() * Float.BYTES;
            ByteBuffer storedMin = CacheBuffers.slice(batch.keyMin(), skipBytes, boundBytes);
            ByteBuffer storedMax = CacheBuffers.slice(batch.keyMax(), skipBytes, boundBytes);
            if (boundsMismatch == null) {
                boundsMismatch = compareBounds(storedMin, CacheBuffers.slice(hp.keyMinView(), 0, boundBytes), batch, "min", header);
            }
            if (boundsMismatch == null) {
                boundsMismatch = compareBounds(storedMax, CacheBuffers.slice(hp.keyMaxView(), 0, boundBytes), batch, "max", header);
            }
        }
        if (crc.value() != header.payloadCrc32c()) {
            throw KvSnapshotHeader.corrupted(file, "its payload checksum is " + PayloadChecksum.format(crc.value())
                    + " but the header records " + PayloadChecksum.format(header.payloadCrc32c()));
        }
        if (boundsMismatch != null) {
            throw KvSnapshotHeader.corrupted(file, boundsMismatch);
        }
        cache.advance(header.tokenCount());
        session.restoreContext(tokens, logits);
    }

    /**
     * Stored vs recomputed bounds: equal bytes, or else equal floats (a kernel may write -0 where another wrote +0);
     * null when equal, else what differs.
     */
    private static String compareBounds(ByteBuffer stored, ByteBuffer recomputed, SnapshotBatches.Batch batch, String which,
                                        KvSnapshotHeader header) {
        if (stored.equals(recomputed)) {
            return null;
        }
        int d = header.headDim();
        for (int i = 0; i < stored.remaining() / Float.BYTES; i++) {
            float s = stored.getFloat(i * Float.BYTES);
            float r = recomputed.getFloat(i * Float.BYTES);
            if (s != r) {
                return "the key " + which + " of layer " + batch.layer() + " KV head " + batch.kvHead() + " page " + i / d
                        + " channel " + i % d + " is " + s + " in the file but " + r + " recomputed from its keys";
            }
        }
        return null;
    }

    private static KvSnapshotException otherDocument(Path file, int snapshotTokens, int expected) {
        return new KvSnapshotException(KvSnapshotException.Reason.OTHER_DOCUMENT, file, "it holds " + snapshotTokens
                + " tokens but the document has " + expected + "; prefill the document and snapshot it again");
    }
}
