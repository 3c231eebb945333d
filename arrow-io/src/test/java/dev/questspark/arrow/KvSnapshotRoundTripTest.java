package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.testing.TestModels;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.engine.GenerationResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot restores a session that continues exactly like the one saved: same tokens, bit-identical page metadata
 * and logits, the same greedy continuation (with Quest selecting pages), also equal to a fresh prefill's.
 */
class KvSnapshotRoundTripTest {
    private static final int NEW_TOKENS = 32;
    private static final String DOC = "stories/lily";

    @TempDir
    Path tmp;

    @Test
    void restoredSessionContinuesLikeTheOriginalAndAFreshPrefill() {
        Engine engine = StoriesDocument.engine();
        int[] doc = StoriesDocument.documentTokens(engine);
        Path file = tmp.resolve("lily.kvsnap.arrow");
        float[] logits;
        List<PageMetadata> metadata;
        GenerationResult original;
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            KvSnapshotHeader h = KvSnapshot.write(engine, s, DOC, file);
            assertEquals(h, KvSnapshot.readHeader(file));
            logits = s.logits().clone();
            metadata = CacheContents.stored(PageMetadataExporter.pagedCache(s), DOC);
            original = s.generate(GenerationConfig.greedy(NEW_TOKENS), null);
            assertTrue(s.stats().pagesSelected() < s.stats().pagesScored(), "Quest must skip pages for the test to mean something: "
                    + s.stats());
        }
        try (DecoderSession r = KvSnapshot.restore(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, file, doc)) {
            assertArrayEquals(doc, r.tokens());
            assertArrayEquals(logits, r.logits(), 0f);
            assertEquals(metadata, CacheContents.stored(PageMetadataExporter.pagedCache(r), DOC));
            assertTrue(CacheContents.sameValues(CacheContents.recomputed(PageMetadataExporter.pagedCache(r), DOC), metadata));
            GenerationResult restored = r.generate(GenerationConfig.greedy(NEW_TOKENS), null);
            assertArrayEquals(original.tokens(), restored.tokens());
            assertEquals(original.text(), restored.text());
        }
        try (DecoderSession fresh = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            assertArrayEquals(original.tokens(), fresh.generate(GenerationConfig.greedy(NEW_TOKENS), null).tokens());
        }
    }

    @Test
    void headerDescribesTheDocumentAndModel() {
        Engine engine = StoriesDocument.engine();
        Path file = tmp.resolve("h.kvsnap.arrow");
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            KvSnapshot.write(engine, s, DOC, file);
        }
        KvSnapshotHeader h = KvSnapshot.readHeader(file);
        assertEquals(KvSnapshotHeader.FORMAT_VERSION, h.formatVersion());
        assertEquals(DOC, h.documentId());
        assertEquals(engine.info().fingerprint(), h.modelFingerprint());
        assertEquals(List.of(engine.info().layers(), engine.info().heads(), engine.info().kvHeads(), engine.info().headDim(),
                engine.info().vocabSize()), List.of(h.layers(), h.heads(), h.kvHeads(), h.headDim(), h.vocabSize()));
        assertEquals(8, h.pageSize());
        assertEquals(StoriesDocument.documentTokens(engine).length, h.tokenCount());
    }

    /** A context ending in a generated token (not yet in the cache) is run before saving, and continues the same. */
    @Test
    void snapshotAfterGenerationContinuesTheSame() {
        Engine engine = StoriesDocument.engine();
        Path file = tmp.resolve("gen.kvsnap.arrow");
        int[] context;
        GenerationResult original;
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            s.generate(GenerationConfig.greedy(5), null);
            context = s.tokens();
            KvSnapshot.write(engine, s, DOC, file);
            original = s.generate(GenerationConfig.greedy(8), null);
        }
        try (DecoderSession r = KvSnapshot.restore(engine, StoriesDocument.QUEST, file)) {
            assertArrayEquals(context, r.tokens());
            assertArrayEquals(original.tokens(), r.generate(GenerationConfig.greedy(8), null).tokens());
        }
    }

    /** The QA pattern (question, answer, truncate back to the document, next question) answers as the original does. */
    @Test
    void questionsOverARestoredSessionAreAnsweredAsOverTheOriginal() {
        Engine engine = StoriesDocument.engine();
        Path file = tmp.resolve("qa.kvsnap.arrow");
        List<int[]> original;
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            KvSnapshot.write(engine, s, DOC, file);
            original = answers(engine, s);
        }
        try (DecoderSession r = KvSnapshot.restore(engine, StoriesDocument.QUEST, file)) {
            List<int[]> restored = answers(engine, r);
            for (int i = 0; i < original.size(); i++) {
                assertArrayEquals(original.get(i), restored.get(i), "answer " + i);
            }
        }
    }

    /** The default model (head dim 64, 3 query heads per KV head) in its default pages of 16: same round trip. */
    @Test
    void smolLm2RoundTrip() {
        Engine engine = Engine.shared(TestModels.smolLm2(), 1);
        dev.questspark.quest.QuestConfig quest = dev.questspark.quest.QuestConfig.quest().withTokenBudget(32);
        int[] doc = engine.encodePrompt(StoriesDocument.DOCUMENT, true);
        Path file = tmp.resolve("smollm2.kvsnap.arrow");
        int[] original;
        List<PageMetadata> metadata;
        try (DecoderSession s = engine.newSession(quest, StoriesDocument.CONTEXT)) {
            s.prefill(doc);
            KvSnapshot.write(engine, s, DOC, file);
            metadata = CacheContents.stored(PageMetadataExporter.pagedCache(s), DOC);
            original = s.generate(GenerationConfig.greedy(16), null).tokens();
        }
        try (DecoderSession r = KvSnapshot.restore(engine, quest, StoriesDocument.CONTEXT, file, doc)) {
            assertEquals(metadata, CacheContents.stored(PageMetadataExporter.pagedCache(r), DOC));
            assertArrayEquals(original, r.generate(GenerationConfig.greedy(16), null).tokens());
        }
    }

    private static List<int[]> answers(Engine engine, DecoderSession s) {
        int docLength = s.length();
        List<int[]> out = new java.util.ArrayList<>();
        for (String q : List.of(" Where did Lily play?", " What was in the tree?")) {
            s.prefill(engine.tokenizer().encode(q, false, false));
            out.add(s.generate(GenerationConfig.greedy(10), null).tokens());
            s.truncate(docLength);
        }
        return out;
    }
}
