package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Log-probability arithmetic and the agreement metrics on synthetic inputs with known answers. */
class EvalLogProbsTest {
    @Test
    void uniformLogitsGiveLogVocabNll() {
        float[] logits = new float[512];
        assertEquals(Math.log(512), LogProbs.nll(logits, 7), 1e-12);
    }

    @Test
    void nllIsStableForLargeLogits() {
        float[] logits = {1000f, 1000f};
        assertEquals(Math.log(2), LogProbs.nll(logits, 0), 1e-9);
    }

    @Test
    void klMatchesTheTwoPointFormula() {
        double[] p = {Math.log(0.75), Math.log(0.25)};
        double[] q = {Math.log(0.5), Math.log(0.5)};
        double expected = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
        assertEquals(expected, LogProbs.kl(p, q), 1e-12);
        assertEquals(0.0, LogProbs.kl(p, p), 0.0);
    }

    @Test
    void argmaxTakesTheLowestIdOnTies() {
        assertEquals(1, dev.questspark.engine.Sampler.argmax(new float[] {0f, 3f, 3f, 1f}));
    }

    @Test
    void matchingPrefixStopsAtTheFirstDifference() {
        assertEquals(3, Agreement.matchingPrefix(new int[] {5, 6, 7, 8, 9}, new int[] {5, 6, 7, 0, 9}));
        assertEquals(0, Agreement.matchingPrefix(new int[] {5, 6}, new int[] {6, 6}));
        assertEquals(2, Agreement.matchingPrefix(new int[] {5, 6}, new int[] {5, 6}));
    }

    @Test
    void meanKlAveragesSteps() {
        double[] a = {Math.log(0.75), Math.log(0.25)};
        double[] b = {Math.log(0.5), Math.log(0.5)};
        double kl = LogProbs.kl(a, b);
        assertEquals(kl / 2, Agreement.meanKl(List.of(a, a), List.of(b, a)), 1e-12);
        AgreementRow row = new AgreementRow("p", 4, "quest", 64, 16, 3, 0.0, 0, 0, 0);
        assertEquals(0.75, row.prefixFraction(), 0.0);
    }
}
