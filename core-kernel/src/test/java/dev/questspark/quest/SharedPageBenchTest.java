package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shared-document benchmark runs and counts its KV reads consistently (no timing is asserted). */
class SharedPageBenchTest {
    @Test
    void sharedPassReadsTheDocumentOnce() {
        int context = 1024;
        SharedPageBench.Result r = SharedPageBench.run("smollm2-135m", context, 5, 256, 16, 1);
        long page = 16L * 64 * 4;
        long pagesPerSequence = (context + SharedPageBench.QUESTION_TOKENS + 15) / 16;
        // dense: every sequence wants every page of every KV head; the shared pass reads the document's 64 pages once
        // and each sequence's own pages (the question's two) itself
        long layers = r.layers();
        assertEquals(30, layers); // as many as make the document's KV pass a last-level cache, at most 30
        assertEquals(layers * 5 * 3 * pagesPerSequence * page, r.denseAloneBytes());
        assertEquals(layers * 3 * (context / 16 + 5 * (pagesPerSequence - context / 16)) * page, r.denseSharedBytes());
        long candidates = (context + SharedPageBench.QUESTION_TOKENS - 1) / 16; // pages a Quest step scores
        long bound = 64L * 4;
        assertEquals(layers * 5 * 3 * (256 / 16 * page + candidates * bound), r.questAloneBytes());
        assertTrue(r.questSharedBytes() < r.questAloneBytes(), r.toJson());
        assertTrue(r.denseAloneMs() > 0 && r.denseSharedMs() > 0 && r.questAloneMs() > 0 && r.questSharedMs() > 0);
        assertTrue(r.toJson().contains("\"quest_shared_kv_bytes\":"), r.toJson());
        assertThrows(IllegalArgumentException.class, () -> SharedPageBench.run("smollm2-135m", context, 65, 256, 16, 1));
    }

    @Test
    void separateDocumentsShareNoPage() {
        int context = 256;
        SharedPageBench.Result r = SharedPageBench.run("smollm2-135m", context, 3, 128, 16, 2, false);
        long page = 16L * 64 * 4;
        long pagesPerSequence = (context + SharedPageBench.QUESTION_TOKENS + 15) / 16;
        assertEquals(r.layers() * 3 * 3 * pagesPerSequence * page, r.denseAloneBytes());
        assertEquals(r.denseAloneBytes(), r.denseSharedBytes()); // each document's pages read by its own sequence only
        assertEquals(r.questAloneBytes(), r.questSharedBytes());
        assertTrue(r.toJson().contains("\"shared_document\":false"), r.toJson());
    }
}
