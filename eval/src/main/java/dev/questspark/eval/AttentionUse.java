package dev.questspark.eval;

import dev.questspark.model.AttentionStats;

/**
 * What decode attention read over a stretch of steps: the difference of two {@link AttentionStats} snapshots.
 * Steps count one attention call per layer per decoded token; tokens attended are summed over KV heads (shared GQA
 * selection) and layers.
 */
public record AttentionUse(long steps, long tokensAttended, long kvBytesRead, long kvBytesDense) {
    public static final AttentionUse NONE = new AttentionUse(0, 0, 0, 0);

    public static AttentionUse between(AttentionStats before, AttentionStats after) {
        return new AttentionUse(after.steps() - before.steps(), after.tokensAttended() - before.tokensAttended(),
                after.kvBytesRead() - before.kvBytesRead(), after.kvBytesDense() - before.kvBytesDense());
    }

    public AttentionUse plus(AttentionUse o) {
        return new AttentionUse(steps + o.steps, tokensAttended + o.tokensAttended, kvBytesRead + o.kvBytesRead,
                kvBytesDense + o.kvBytesDense);
    }

    /** Mean tokens attended per attention call and KV head. */
    public double tokensPerHeadStep(int kvHeads) {
        return steps == 0 ? 0 : (double) tokensAttended / ((double) steps * kvHeads);
    }

    /** Fraction of dense KV bytes read (1 for dense attention or no steps). */
    public double readFraction() {
        return kvBytesDense == 0 ? 1.0 : (double) kvBytesRead / kvBytesDense;
    }
}
