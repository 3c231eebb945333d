package dev.questspark.eval;

import java.util.List;

/** Agreement metrics between a reference token sequence and another decoder's per-step distributions. */
public final class Agreement {
    private Agreement() {}

    /** Positions from the start where choices equal reference (stops at the first difference). */
    public static int matchingPrefix(int[] reference, int[] choices) {
        int n = Math.min(reference.length, choices.length);
        int i = 0;
        while (i < n && reference[i] == choices[i]) {
            i++;
        }
        return i;
    }

    /** Mean over steps of KL(reference_t || other_t), both as log-probabilities; 0 for no steps. */
    public static double meanKl(List<double[]> referenceLogProbs, List<double[]> otherLogProbs) {
        if (referenceLogProbs.size() != otherLogProbs.size()) {
            throw new IllegalArgumentException("step counts differ: " + referenceLogProbs.size() + " vs " + otherLogProbs.size());
        }
        double sum = 0;
        for (int t = 0; t < referenceLogProbs.size(); t++) {
            sum += LogProbs.kl(referenceLogProbs.get(t), otherLogProbs.get(t));
        }
        return referenceLogProbs.isEmpty() ? 0 : sum / referenceLogProbs.size();
    }
}
