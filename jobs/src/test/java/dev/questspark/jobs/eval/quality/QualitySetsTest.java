package dev.questspark.jobs.eval.quality;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The committed quality sets: well formed, and every gold answer a span of its source where the source exists. */
class QualitySetsTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final Path SETS = HOME.resolve("data/quality");

    @Test
    void theQaSetHasAtLeastFortyQuestionsWithAnswersFromTheirSources() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/common-licenses")), "needs Debian's /usr/share/common-licenses");
        QualitySets.Loaded<QualitySets.QaItem> qa = QualitySets.qa(SETS.resolve("qa.jsonl"), HOME);
        assertEquals(0, qa.missing().size(), "missing sources: " + qa.missing());
        assertTrue(qa.items().size() >= 40, "questions: " + qa.items().size());
        Set<String> ids = new HashSet<>();
        qa.items().forEach(q -> assertTrue(ids.add(q.id()), "duplicate id " + q.id()));
    }

    @Test
    void theSummarySetLoads() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/common-licenses")), "needs Debian's /usr/share/common-licenses");
        QualitySets.Loaded<QualitySets.SummaryItem> s = QualitySets.summaries(SETS.resolve("summaries.jsonl"), HOME);
        assertEquals(0, s.missing().size(), "missing sources: " + s.missing());
        assertTrue(s.items().size() >= 8);
    }

    @Test
    void anAnswerThatIsNotASpanIsAnErrorAndAMissingSourceIsSkipped() throws IOException {
        Path dir = Files.createTempDirectory("quality-set");
        Files.writeString(dir.resolve("doc.txt"), "The licence was\npublished in June 1991.");
        Path set = dir.resolve("qa.jsonl");
        Files.writeString(set, "{\"id\":\"a\",\"source\":\"doc.txt\",\"question\":\"When?\",\"answers\":[\"published in June 1991\"]}\n"
                + "{\"id\":\"b\",\"source\":\"gone.txt\",\"question\":\"When?\",\"answers\":[\"x\"]}\n");
        QualitySets.Loaded<QualitySets.QaItem> loaded = QualitySets.qa(set, dir);
        assertEquals(1, loaded.items().size());
        assertEquals(1, loaded.missing().size());
        Files.writeString(set, "{\"id\":\"a\",\"source\":\"doc.txt\",\"question\":\"When?\",\"answers\":[\"July 1991\"]}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualitySets.qa(set, dir));
        assertTrue(e.getMessage().contains("not a span"), e.getMessage());
    }
}
