package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sliding-window layers that keep only their window, end to end on stories260K with a 16-token window on four of its
 * five layers (a Gemma-like pattern, small enough that a 145-token document slides the ring many times): the same
 * logits bit for bit and greedy tokens as the store-everything twin, less KV memory, and a KV snapshot round trip of
 * the ring (its window layers' pages from where the ring starts) that continues identically, as does a snapshot of
 * the twin restored into a ring. A truncation further back than the ring keeps prefills again and continues the same.
 */
class WindowRingSnapshotTest {
    private static final boolean[] SLIDING = {true, true, false, true, true};
    private static final UnaryOperator<PagedKvCacheConfig> RING = c -> c.withSlidingWindow(16, SLIDING).withWindowRing(true);
    private static final UnaryOperator<PagedKvCacheConfig> TWIN = c -> c.withSlidingWindow(16, SLIDING).withWindowRing(false);
    private static final String DOC = "stories/lily-x2";
    private static final int NEW_TOKENS = 24;

    @TempDir
    Path tmp;

    @Test
    void ringMatchesTheTwinAndRoundTripsThroughASnapshot() {
        Engine engine = StoriesDocument.engine();
        String text = StoriesDocument.DOCUMENT + " " + StoriesDocument.DOCUMENT;
        int[] doc = engine.encodePrompt(text, false);
        Path ringFile = tmp.resolve("ring.kvsnap.arrow");
        Path twinFile = tmp.resolve("twin.kvsnap.arrow");
        float[] logits;
        int[] tokens;
        List<PageMetadata> metadata;
        try (DecoderSession ring = session(engine, RING, doc); DecoderSession twin = session(engine, TWIN, doc)) {
            PagedKvCache ringCache = PageMetadataExporter.pagedCache(ring);
            assertTrue(ringCache.firstPage(0) > 0, "the document must slide the ring");
            assertTrue(ringCache.allocatedBytes() < PageMetadataExporter.pagedCache(twin).allocatedBytes());
            logits = ring.logits().clone();
            assertArrayEquals(twin.logits(), logits, 0f);
            KvSnapshot.write(engine, ring, DOC, ringFile);
            KvSnapshot.write(engine, twin, DOC, twinFile);
            metadata = CacheContents.stored(ringCache, DOC);
            tokens = ring.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens();
            assertArrayEquals(twin.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens(), tokens);

            // back to the document within what the ring keeps: the last token is run again as a (Quest) decode step
            // in both; then, after a longer answer, further back, where the session prefills the document again and
            // so continues exactly as after the first prefill
            twin.truncate(doc.length);
            ring.truncate(doc.length);
            assertArrayEquals(twin.logits(), ring.logits(), 0f);
            assertArrayEquals(twin.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens(),
                    ring.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens());
            ring.truncate(doc.length);
            while (ringCache.resumable(doc.length) && ring.length() + 8 <= StoriesDocument.CONTEXT) {
                ring.generate(GenerationConfig.greedy(8), null);
            }
            assertFalse(ringCache.resumable(doc.length), "document of " + doc.length + " tokens, ring at " + ringCache.firstToken(0));
            ring.truncate(doc.length);
            assertArrayEquals(logits, ring.logits(), 0f);
            assertArrayEquals(tokens, ring.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens());
        }
        for (Path file : new Path[] {ringFile, twinFile}) {
            try (DecoderSession restored = engine.newSession(StoriesDocument.QUEST, StoriesDocument.CONTEXT, RING)) {
                KvSnapshotReader.restoreInto(engine, restored, file, doc);
                assertArrayEquals(logits, restored.logits(), 0f);
                PagedKvCache cache = PageMetadataExporter.pagedCache(restored);
                // a load keeps the window (and headroom) of the document's end: the pages from there on, as saved
                List<PageMetadata> kept = metadata.stream().filter(m -> m.pageIndex() >= cache.firstPage(m.layer())).toList();
                assertEquals(kept, CacheContents.stored(cache, DOC), file.toString());
                assertArrayEquals(tokens, restored.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens(), file.toString());
            }
        }
    }

    private static DecoderSession session(Engine engine, UnaryOperator<PagedKvCacheConfig> shape, int[] doc) {
        DecoderSession s = engine.newSession(StoriesDocument.QUEST, StoriesDocument.CONTEXT, shape);
        s.prefill(doc);
        return s;
    }
}
