package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.GenerationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --kv-cache directory: naming, hits and misses, and saves that readers never see half-written. */
class KvSnapshotStoreTest {
    private static final String DOC = "corpus/doc-42";

    @TempDir
    Path dir;

    @Test
    void fileNamesSeparateModelsPageSizesAndDocuments() {
        KvSnapshotStore store = new KvSnapshotStore(dir);
        Engine engine = StoriesDocument.engine();
        Path p = store.pathFor(engine.info(), DOC, 16);
        assertEquals(dir, p.getParent());
        assertTrue(p.getFileName().toString().matches(engine.info().fingerprint() + "-p16-[0-9a-f]{32}\\.kvsnap\\.arrow"), p.toString());
        assertNotEquals(p, store.pathFor(engine.info(), DOC, 8));
        assertNotEquals(p, store.pathFor(engine.info(), DOC + "x", 16));
        assertEquals(p, store.pathFor(engine.info(), DOC, 16));
    }

    @Test
    void findMissesUntilSavedThenRestoresTheDocument() {
        KvSnapshotStore store = new KvSnapshotStore(dir.resolve("kv"));
        Engine engine = StoriesDocument.engine();
        int[] doc = StoriesDocument.documentTokens(engine);
        assertTrue(store.find(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, DOC, doc).isEmpty());
        int[] expected;
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            Path saved = store.save(engine, s, DOC);
            assertEquals(store.pathFor(engine.info(), DOC, 8), saved);
            expected = s.generate(GenerationConfig.greedy(12), null).tokens();
        }
        Optional<DecoderSession> hit = store.find(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, DOC, doc);
        assertTrue(hit.isPresent());
        try (DecoderSession r = hit.get()) {
            assertArrayEquals(expected, r.generate(GenerationConfig.greedy(12), null).tokens());
        }
        assertTrue(store.find(engine, StoriesDocument.QUEST.withTokenBudget(32).withPageSize(16), StoriesDocument.CONTEXT, DOC, doc)
                .isEmpty(), "another page size is another file");
        int[] edited = doc.clone();
        edited[3] ^= 1;
        assertTrue(store.find(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, DOC, edited).isEmpty(),
                "a document edited under the same id misses");
    }

    @Test
    void aDamagedSnapshotIsAMissAndASaveReplacesIt() throws IOException {
        KvSnapshotStore store = new KvSnapshotStore(dir);
        Engine engine = StoriesDocument.engine();
        int[] doc = StoriesDocument.documentTokens(engine);
        Path file = store.pathFor(engine.info(), DOC, 8);
        Files.write(file, new byte[] {1, 2, 3});
        assertTrue(store.find(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, DOC, doc).isEmpty());
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            store.save(engine, s, DOC);
        }
        store.find(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, DOC, doc).orElseThrow().close();
    }

    /**
     * A snapshot gets the permissions of any file this process creates (0666 less the umask), so executors running
     * as other users of a shared directory can read it when the umask allows; a temporary file would be 0600.
     */
    @Test
    void savedSnapshotsRespectTheUmask() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        KvSnapshotStore store = new KvSnapshotStore(dir.resolve("shared"));
        Engine engine = StoriesDocument.engine();
        Path saved;
        try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
            saved = store.save(engine, s, DOC);
        }
        Path plain = Files.createFile(dir.resolve("plain-file"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)));
    }

    /** Several writers save the same document while a reader looks it up: every lookup is a miss or a whole file. */
    @Test
    void concurrentSavesAreAtomic() throws Exception {
        KvSnapshotStore store = new KvSnapshotStore(dir);
        Engine engine = StoriesDocument.engine();
        int[] doc = StoriesDocument.documentTokens(engine);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                writers.add(pool.submit(() -> {
                    try (DecoderSession s = StoriesDocument.prefilled(engine, StoriesDocument.QUEST)) {
                        for (int i = 0; i < 4; i++) {
                            store.save(engine, s, DOC);
                        }
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                int hits = 0;
                while (writing.get() || hits == 0) {
                    Path file = store.pathFor(engine.info(), DOC, 8);
                    if (Files.exists(file)) {
                        // the file name only ever points at a complete snapshot: restore throws on anything else
                        try (DecoderSession r = KvSnapshot.restore(engine, StoriesDocument.QUEST, StoriesDocument.CONTEXT, file, doc)) {
                            hits++;
                        }
                    }
                }
                return hits;
            });
            for (Future<?> f : writers) {
                f.get();
            }
            writing.set(false);
            assertTrue(reader.get() > 0);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(store.pathFor(engine.info(), DOC, 8)), files.toList(), "no temporary files are left");
        }
    }
}
