package dev.questspark.eval;

/** Log-probability arithmetic over next-token logits, in double precision so sums over thousands of tokens stay exact enough. */
public final class LogProbs {
    private LogProbs() {}

    /** log(sum(exp(logits))), max-subtracted so large logits do not overflow. */
    public static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    /** Negative log-likelihood (nats) of target under softmax(logits). */
    public static double nll(float[] logits, int target) {
        if (target < 0 || target >= logits.length) {
            throw new IllegalArgumentException("target token " + target + " outside the vocabulary of " + logits.length);
        }
        return logSumExp(logits) - logits[target];
    }

    /** log softmax(logits). */
    public static double[] logSoftmax(float[] logits) {
        double lse = logSumExp(logits);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - lse;
        }
        return out;
    }

    /** KL(p || q) in nats from log-probabilities; terms where p is 0 contribute nothing. */
    public static double kl(double[] logP, double[] logQ) {
        if (logP.length != logQ.length) {
            throw new IllegalArgumentException("distributions over different vocabularies: " + logP.length + " vs " + logQ.length);
        }
        double sum = 0;
        for (int i = 0; i < logP.length; i++) {
            double p = Math.exp(logP[i]);
            if (p > 0) {
                sum += p * (logP[i] - logQ[i]);
            }
        }
        return Math.max(0, sum);
    }
}
