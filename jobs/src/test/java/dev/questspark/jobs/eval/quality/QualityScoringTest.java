package dev.questspark.jobs.eval.quality;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityScoringTest {
    @Test
    void answersAreNormalizedAsInSquad() {
        assertEquals("free software foundation inc", AnswerScore.normalize("The Free Software Foundation, Inc."));
        assertTrue(AnswerScore.exactMatch("the Free  Software Foundation, Inc.", List.of("Free Software Foundation, Inc.")));
        assertFalse(AnswerScore.exactMatch("It was published on 29 June 2007.", List.of("29 June 2007")));
        assertTrue(AnswerScore.contains("It was published on 29 June 2007.", List.of("29 June 2007")));
        assertFalse(AnswerScore.contains("It was published on 29 June 2017.", List.of("29 June 2007")));
        // Containment is by whole words: "69" is not inside "1969".
        assertFalse(AnswerScore.contains("version 1969", List.of("69")));
        assertFalse(AnswerScore.contains(null, List.of("x")));
    }

    @Test
    void repeatedNgramsCountRepeatsAfterTheirFirstOccurrence() {
        assertEquals(0, SummaryMetrics.repeatedNgramShare(new int[] {1, 2, 3, 4, 5, 6}, 4));
        // 1 2 3 4 1 2 3 4: 5 four-grams, the last one repeats the first.
        assertEquals(1 / 5.0, SummaryMetrics.repeatedNgramShare(new int[] {1, 2, 3, 4, 1, 2, 3, 4}, 4), 1e-12);
        // A loop of one token: every 4-gram after the first repeats.
        assertEquals(6 / 7.0, SummaryMetrics.repeatedNgramShare(new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 4), 1e-12);
        assertEquals(0, SummaryMetrics.repeatedNgramShare(new int[] {1, 2}, 4));
    }

    @Test
    void longestCopyIsTheLongestCommonRun() {
        int[] source = {1, 2, 3, 4, 5, 6, 7, 8};
        assertEquals(4, SummaryMetrics.longestCopy(new int[] {9, 3, 4, 5, 6, 9, 1, 2}, source));
        assertEquals(0, SummaryMetrics.longestCopy(new int[] {9, 10}, source));
        assertEquals(8, SummaryMetrics.longestCopy(source, source));
        assertEquals(0, SummaryMetrics.longestCopy(new int[0], source));
    }

    @Test
    void supportIsTheShareOfContentWordsFoundInTheSource() {
        String source = "The licensee may copy and distribute the Program.";
        assertEquals(1.0, SummaryMetrics.support("The Program may be distributed.", source), 1e-12);
        // "sold" and "1999" are not in the source; "program" and "distributed" (stem "distr") are.
        assertEquals(0.5, SummaryMetrics.support("The program was sold in 1999 and distributed.", source), 1e-12);
        assertEquals(1.0, SummaryMetrics.support("", source), 1e-12);
    }

    @Test
    void variantsParse() {
        List<QualityVariant> v = QualityVariant.parse("defaults;quest-b256=attention:quest,token-budget:256");
        assertEquals(2, v.size());
        assertEquals(Map.of(), v.get(0).overrides());
        assertEquals("job defaults", v.get(0).describe());
        assertEquals(Map.of("attention", "quest", "token-budget", "256"), v.get(1).overrides());
        assertEquals("attention=quest, token-budget=256", v.get(1).describe());
        assertThrows(IllegalArgumentException.class, () -> QualityVariant.parse("x=attention"));
        assertThrows(IllegalArgumentException.class, () -> QualityVariant.parse(" ; "));
    }

    @Test
    void theReportSectionIsReplacedInPlace() {
        String report = "# Results\n\nother sections\n";
        String first = QualityReport.replace(report, QualityReport.BEGIN + "\nA\n" + QualityReport.END);
        assertTrue(first.startsWith(report.stripTrailing()));
        String second = QualityReport.replace(first + "\ntail\n", QualityReport.BEGIN + "\nB\n" + QualityReport.END);
        assertFalse(second.contains("\nA\n"));
        assertTrue(second.contains("\nB\n"));
        assertTrue(second.endsWith("tail\n"));
        assertEquals(QualityReport.BEGIN + "\nB\n" + QualityReport.END, QualityReport.block(second));
    }
}
