package dev.questspark.model;

/**
 * Counters of what decode-step attention read. Dense reads count every page they touch as selected.
 * {@code kvBytesRead} includes page metadata read for scoring; {@code kvBytesDense} is what dense attention
 * would have read for the same steps.
 */
public final class AttentionStats {
    private long steps;
    private long pagesScored;
    private long pagesSelected;
    private long tokensAttended;
    private long kvBytesRead;
    private long kvBytesDense;

    public synchronized void add(long stepCount, long scored, long selected, long tokens, long bytesRead, long bytesDense) {
        steps += stepCount;
        pagesScored += scored;
        pagesSelected += selected;
        tokensAttended += tokens;
        kvBytesRead += bytesRead;
        kvBytesDense += bytesDense;
    }

    public synchronized void add(AttentionStats other) {
        AttentionStats o = other.snapshot();
        add(o.steps, o.pagesScored, o.pagesSelected, o.tokensAttended, o.kvBytesRead, o.kvBytesDense);
    }

    public synchronized AttentionStats snapshot() {
        AttentionStats s = new AttentionStats();
        s.steps = steps;
        s.pagesScored = pagesScored;
        s.pagesSelected = pagesSelected;
        s.tokensAttended = tokensAttended;
        s.kvBytesRead = kvBytesRead;
        s.kvBytesDense = kvBytesDense;
        return s;
    }

    public synchronized void reset() {
        steps = pagesScored = pagesSelected = tokensAttended = kvBytesRead = kvBytesDense = 0;
    }

    /** Decode attention calls counted (one per layer per decoded token). */
    public synchronized long steps() {
        return steps;
    }

    public synchronized long pagesScored() {
        return pagesScored;
    }

    public synchronized long pagesSelected() {
        return pagesSelected;
    }

    public synchronized long tokensAttended() {
        return tokensAttended;
    }

    public synchronized long kvBytesRead() {
        return kvBytesRead;
    }

    public synchronized long kvBytesDense() {
        return kvBytesDense;
    }

    /** Fraction of dense KV bytes actually read (1.0 for dense attention). */
    public synchronized double kvReadFraction() {
        return kvBytesDense == 0 ? 1.0 : (double) kvBytesRead / kvBytesDense;
    }

    @Override
    public synchronized String toString() {
        return "AttentionStats{steps=" + steps + ", pagesScored=" + pagesScored + ", pagesSelected=" + pagesSelected
                + ", tokensAttended=" + tokensAttended + ", kvBytesRead=" + kvBytesRead + ", kvBytesDense=" + kvBytesDense + "}";
    }
}
