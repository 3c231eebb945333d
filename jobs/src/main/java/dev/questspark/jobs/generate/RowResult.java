package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.jobs.model.AttentionSettings;

/** One output row's values; see docs/output-schema.md for their meaning. */
public record RowResult(String text, String status, String error, int promptTokens, int cachedTokens,
                        int generatedTokens, int chunks, int chunksTotal, int modelCalls, double prefillMs,
                        double decodeMs, String finishReason, String attention, Integer tokenBudget,
                        long pagesSelected, long kvBytesRead, long kvBytesDense) {
    public static final String OK = "ok";
    public static final String ERROR = "error";

    static RowResult ok(String text, RowUsage u, AttentionSettings a) {
        return of(text, OK, null, u, a);
    }

    static RowResult error(String message, RowUsage u, AttentionSettings a) {
        return of(null, ERROR, message, u, a);
    }

    private static RowResult of(String text, String status, String error, RowUsage u, AttentionSettings a) {
        AttentionCounters c = u.attention;
        return new RowResult(text, status, error, u.promptTokens, u.cachedTokens, u.generatedTokens, u.chunks,
                u.chunksTotal, u.calls, u.prefillNanos / 1e6, u.decodeNanos / 1e6, u.finishReason, a.mode(),
                a.reportedBudget(), c.pagesSelected(), c.kvBytesRead(), c.kvBytesDense());
    }

    public boolean ok() {
        return OK.equals(status);
    }
}
