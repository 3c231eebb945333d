package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.testing.TestModels;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.ModelInfo;
import dev.questspark.quest.PagedKvCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of another model, page size, shape or document, and damaged files, are refused with what is wrong. */
class KvSnapshotRejectionTest {
    private static final String DOC = "stories/lily";

    @TempDir
    static Path dir;
    private static Path good;
    private static byte[] goodBytes;
    private static byte[] storedKeys; // the keys of (layer 1, KV head 1) as stored in the file

    @BeforeAll
    static void snapshot() throws IOException {
        Engine engine = StoriesDocument.engine();
        good = dir.resolve("good.kvsnap.arrow");
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            KvSnapshot.write(engine, s, DOC, good);
            PagedKvCache cache = PageMetadataExporter.pagedCache(s);
            ByteBuffer keys = CacheBuffers.slice(cache.pages(1, 1).keysView(), 0, (long) s.length() * engine.info().headDim() * 2);
            storedKeys = new byte[keys.remaining()];
            keys.get(storedKeys);
        }
        goodBytes = Files.readAllBytes(good);
    }

    private static KvSnapshotException refused(KvSnapshotException.Reason reason, Path file) {
        return refused(reason, () -> KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST, StoriesDocument.CONTEXT, file, null));
    }

    private static KvSnapshotException refused(KvSnapshotException.Reason reason, org.junit.jupiter.api.function.Executable restore) {
        KvSnapshotException e = assertThrows(KvSnapshotException.class, restore);
        assertEquals(reason, e.reason(), e::getMessage);
        return e;
    }

    private static Path variant(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void theGoodSnapshotLoads() {
        try (DecoderSession s = KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST, good)) {
            assertEquals(StoriesDocument.documentTokens(StoriesDocument.engine()).length, s.length());
        }
    }

    @Test
    void anotherModelIsRefused() throws IOException {
        byte[] model = Files.readAllBytes(TestModels.stories());
        model[model.length - 1] ^= 1; // one weight bit: same shape, another model
        Path other = variant("other-model.gguf", model);
        try (Engine otherEngine = Engine.load(other, 1)) {
            KvSnapshotException e = refused(KvSnapshotException.Reason.OTHER_MODEL,
                    () -> KvSnapshot.restore(otherEngine, StoriesDocument.QUEST, good));
            assertTrue(e.getMessage().contains(StoriesDocument.engine().info().fingerprint()), e.getMessage());
            assertTrue(e.getMessage().contains(otherEngine.info().fingerprint()), e.getMessage());
        }
    }

    @Test
    void anotherPageSizeIsRefused() {
        KvSnapshotException e = refused(KvSnapshotException.Reason.OTHER_PAGE_SIZE,
                () -> KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST.withTokenBudget(32).withPageSize(16), good));
        assertTrue(e.getMessage().contains("page-size 8") && e.getMessage().contains("page-size 16"), e.getMessage());
    }

    @Test
    void anotherShapeIsRefused() {
        ModelInfo m = StoriesDocument.engine().info();
        ModelInfo deeper = new ModelInfo(m.name(), m.architecture(), m.contextLength(), m.layers() + 1, m.heads(), m.kvHeads(),
                m.headDim(), m.vocabSize(), m.fingerprint(), m.path());
        KvSnapshotHeader h = KvSnapshot.readHeader(good);
        KvSnapshotException e = refused(KvSnapshotException.Reason.OTHER_SHAPE, () -> h.checkCompatible(deeper, 8, good));
        assertTrue(e.getMessage().contains("layers " + m.layers() + " in the snapshot vs " + (m.layers() + 1)), e.getMessage());
    }

    @Test
    void anotherDocumentIsRefusedBeforeLoading() {
        int[] doc = StoriesDocument.documentTokens(StoriesDocument.engine());
        int[] changed = doc.clone();
        changed[changed.length / 2] ^= 1;
        refused(KvSnapshotException.Reason.OTHER_DOCUMENT,
                () -> KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST, StoriesDocument.CONTEXT, good, changed));
        refused(KvSnapshotException.Reason.OTHER_DOCUMENT, () -> KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST,
                StoriesDocument.CONTEXT, good, Arrays.copyOf(doc, doc.length - 1)));
    }

    @Test
    void aContextTooSmallIsRefused() {
        int tokens = StoriesDocument.documentTokens(StoriesDocument.engine()).length;
        refused(KvSnapshotException.Reason.CONTEXT_TOO_SMALL,
                () -> KvSnapshot.restore(StoriesDocument.engine(), StoriesDocument.QUEST, tokens - 1, good, null));
    }

    @Test
    void bytesFlippedInTheMiddleAreRefused() throws IOException {
        byte[] bytes = goodBytes.clone();
        for (int i = 0; i < 8; i++) {
            bytes[bytes.length / 2 + i] ^= (byte) 0x5a;
        }
        KvSnapshotException e = refused(KvSnapshotException.Reason.CORRUPTED, variant("middle.kvsnap.arrow", bytes));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void oneFlippedBitInAStoredKeyIsRefusedByTheChecksum() throws IOException {
        int at = indexOf(goodBytes, storedKeys);
        assertTrue(at > 0, "the keys of layer 1, KV head 1 are stored as they are in the cache");
        byte[] bytes = goodBytes.clone();
        bytes[at + storedKeys.length / 2] ^= 1;
        KvSnapshotException e = refused(KvSnapshotException.Reason.CORRUPTED, variant("key-bit.kvsnap.arrow", bytes));
        assertTrue(e.getMessage().contains("payload checksum"), e.getMessage());
    }

    @Test
    void aDamagedHeaderIsRefused() throws IOException {
        byte[] fingerprint = StoriesDocument.engine().info().fingerprint().getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = goodBytes.clone();
        for (int at = indexOf(bytes, fingerprint); at >= 0; at = indexOf(bytes, fingerprint)) {
            bytes[at] = (byte) (bytes[at] == '0' ? '1' : '0'); // every copy of the schema: the file reader uses the footer's
        }
        KvSnapshotException e = refused(KvSnapshotException.Reason.CORRUPTED, variant("header.kvsnap.arrow", bytes));
        assertTrue(e.getMessage().contains("header checksum"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        for (int length : new int[] {goodBytes.length - 1, goodBytes.length / 2, 10, 0}) {
            KvSnapshotException e = refused(KvSnapshotException.Reason.CORRUPTED,
                    variant("cut-" + length + ".kvsnap.arrow", Arrays.copyOf(goodBytes, length)));
            assertTrue(e.getMessage().contains("truncated or corrupted"), e.getMessage());
        }
    }

    @Test
    void otherArrowFilesAndMissingFilesAreRefused() throws IOException {
        Path pages = dir.resolve("pages.arrow");
        try (DecoderSession s = StoriesDocument.prefilled(StoriesDocument.engine(), StoriesDocument.QUEST)) {
            PageMetadataExporter.of(s, DOC, PageMetadataExporter.Batching.PER_LAYER).writeFile(pages);
        }
        refused(KvSnapshotException.Reason.NOT_A_SNAPSHOT, pages);
        refused(KvSnapshotException.Reason.UNREADABLE, dir.resolve("absent.kvsnap.arrow"));
    }

    @Test
    void aNewerFormatIsRefused() {
        KvSnapshotHeader h = KvSnapshot.readHeader(good);
        KvSnapshotHeader newer = new KvSnapshotHeader(h.formatVersion() + 1, h.documentId(), h.modelName(), h.modelFingerprint(),
                h.layers(), h.heads(), h.kvHeads(), h.headDim(), h.vocabSize(), h.pageSize(), h.tokenCount(), h.payloadCrc32c());
        refused(KvSnapshotException.Reason.UNSUPPORTED_VERSION, () -> KvSnapshotHeader.fromMetadata(newer.toMetadata(), good));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "snapshots are little-endian like the cache");
    }
}
