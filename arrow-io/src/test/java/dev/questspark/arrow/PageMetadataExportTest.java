package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.kernel.Parallel;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Arrow export holds exactly the cache's page metadata, in batches, through IPC streams and files. */
class PageMetadataExportTest {
    private static final String DOC = "doc-7";

    @TempDir
    Path tmp;

    /** 3 layers, 2 KV heads of dim 16, 37 random tokens in pages of 8 (the last one partial). */
    private static PagedKvCache randomCache(Parallel pool) {
        QuestConfig quest = QuestConfig.quest().withPageSize(8).withTokenBudget(16);
        PagedKvCacheConfig cfg = new PagedKvCacheConfig(3, 4, 2, 16, 64, quest, 1L << 24);
        PagedKvCache cache = new PagedKvCache(cfg, pool);
        Random rnd = new Random(42);
        int n = 37;
        for (int layer = 0; layer < 3; layer++) {
            float[] k = new float[n * 2 * 16];
            float[] v = new float[k.length];
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            cache.store(layer, 0, n, k, v);
        }
        cache.advance(n);
        return cache;
    }

    private static List<PageMetadata> exportRows(PageMetadataExporter exporter) {
        List<PageMetadata> rows = new ArrayList<>();
        try (BufferAllocator alloc = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(exporter.schema(), alloc)) {
            for (int b = 0; b < exporter.batchCount(); b++) {
                exporter.fill(root, b);
                ValueVectorUtility.validate(root);
                rows.addAll(PageMetadataReader.rows(root));
            }
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(PageMetadataExporter.Batching.class)
    void batchesHoldTheCachesMetadata(PageMetadataExporter.Batching batching) {
        try (Parallel pool = new Parallel(1); PagedKvCache cache = randomCache(pool)) {
            PageMetadataExporter exporter = new PageMetadataExporter(cache, DOC, batching);
            assertEquals(batching == PageMetadataExporter.Batching.PER_LAYER ? 3 : 6, exporter.batchCount());
            assertEquals(5, exporter.pagesPerHead());
            List<PageMetadata> rows = exportRows(exporter);
            assertEquals(CacheContents.stored(cache, DOC), rows);
            assertTrue(CacheContents.sameValues(CacheContents.recomputed(cache, DOC), rows));
            assertEquals(5, rows.get(4).tokenCount(), "the last page holds 37 - 32 tokens");
        }
    }

    @Test
    void perHeadBatchesShareTheCachesMemoryAndPerLayerBatchesCopyIt() {
        try (Parallel pool = new Parallel(1); PagedKvCache cache = randomCache(pool);
             BufferAllocator alloc = new RootAllocator()) {
            long cacheMin = MemoryUtil.getByteBufferAddress(cache.pages(0, 0).keyMinView());
            PageMetadataExporter perHead = new PageMetadataExporter(cache, DOC, PageMetadataExporter.Batching.PER_HEAD);
            try (VectorSchemaRoot root = VectorSchemaRoot.create(perHead.schema(), alloc)) {
                perHead.fill(root, 0);
                assertEquals(cacheMin, childAddress(root), "key_min of (layer 0, head 0) is the cache's own buffer");
            }
            PageMetadataExporter perLayer = new PageMetadataExporter(cache, DOC, PageMetadataExporter.Batching.PER_LAYER);
            try (VectorSchemaRoot root = VectorSchemaRoot.create(perLayer.schema(), alloc)) {
                perLayer.fill(root, 0);
                assertNotEquals(cacheMin, childAddress(root));
            }
        }
    }

    private static long childAddress(VectorSchemaRoot root) {
        return ((FixedSizeListVector) root.getVector(PageMetadataSchema.KEY_MIN)).getDataVector().getDataBuffer().memoryAddress();
    }

    @ParameterizedTest
    @EnumSource(PageMetadataExporter.Batching.class)
    void ipcStreamAndFileRoundTrip(PageMetadataExporter.Batching batching) throws Exception {
        try (Parallel pool = new Parallel(1); PagedKvCache cache = randomCache(pool)) {
            PageMetadataExporter exporter = new PageMetadataExporter(cache, DOC, batching);
            List<PageMetadata> expected = CacheContents.stored(cache, DOC);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(expected.size(), exporter.writeStream(out));
            List<Integer> batchRows = new ArrayList<>();
            PageMetadataReader.readStream(new ByteArrayInputStream(out.toByteArray()), root -> batchRows.add(root.getRowCount()));
            assertEquals(exporter.batchCount(), batchRows.size());
            assertEquals(expected, PageMetadataReader.readAllStream(new ByteArrayInputStream(out.toByteArray())));
            Path file = tmp.resolve("pages-" + batching + ".arrow");
            assertEquals(expected.size(), exporter.writeFile(file));
            assertEquals(expected, PageMetadataReader.readAllFile(file));
        }
    }

    @Test
    void realSessionExportEqualsItsHeadPages() throws Exception {
        Engine engine = StoriesDocument.engine();
        try (DecoderSession session = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            PagedKvCache cache = PageMetadataExporter.pagedCache(session);
            List<PageMetadata> expected = CacheContents.stored(cache, DOC);
            assertEquals(engine.info().layers() * engine.info().kvHeads() * cache.pageCount(), expected.size());
            for (PageMetadataExporter.Batching b : PageMetadataExporter.Batching.values()) {
                assertEquals(expected, exportRows(PageMetadataExporter.of(session, DOC, b)), b.name());
            }
            assertTrue(CacheContents.sameValues(CacheContents.recomputed(cache, DOC), expected));
            Path file = tmp.resolve("session.arrow");
            PageMetadataExporter.of(session, DOC, PageMetadataExporter.Batching.PER_LAYER).writeFile(file);
            assertEquals(expected, PageMetadataReader.readAllFile(file));
        }
    }
}
