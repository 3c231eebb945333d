package dev.questspark.jobs.generate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvCacheDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void blankMeansNoCache() {
        assertNull(KvCacheDirectory.prepare(null));
        assertNull(KvCacheDirectory.prepare("  "));
    }

    @Test
    void pathsAndFileUrisBecomeCreatedAbsoluteDirectories() {
        Path a = dir.resolve("a/b");
        assertEquals(a.toString(), KvCacheDirectory.prepare(a.toString()));
        assertTrue(Files.isDirectory(a));
        Path c = dir.resolve("c");
        assertEquals(c.toString(), KvCacheDirectory.prepare(c.toUri().toString()));
        assertTrue(Files.isDirectory(c));
    }

    @Test
    void hadoopUrisAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KvCacheDirectory.prepare("hdfs:///cache"));
        assertTrue(e.getMessage().contains("every executor mounts"), e.getMessage());
    }
}
