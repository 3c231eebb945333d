package dev.questspark.jobs.model;

/** Cumulative decode-attention counters of a decoder; differences give one row's share. */
public record AttentionCounters(long pagesSelected, long tokensAttended, long kvBytesRead, long kvBytesDense) {
    public static final AttentionCounters ZERO = new AttentionCounters(0, 0, 0, 0);

    public AttentionCounters minus(AttentionCounters earlier) {
        return new AttentionCounters(pagesSelected - earlier.pagesSelected, tokensAttended - earlier.tokensAttended,
                kvBytesRead - earlier.kvBytesRead, kvBytesDense - earlier.kvBytesDense);
    }

    public AttentionCounters plus(AttentionCounters other) {
        return new AttentionCounters(pagesSelected + other.pagesSelected, tokensAttended + other.tokensAttended,
                kvBytesRead + other.kvBytesRead, kvBytesDense + other.kvBytesDense);
    }
}
