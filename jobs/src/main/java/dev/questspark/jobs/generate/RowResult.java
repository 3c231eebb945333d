package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.quest.QuestConfig;

/** One output row's values; see docs/output-schema.md for their meaning. */
public record RowResult(String text, String status, String error, int promptTokens, int cachedTokens,
                        int generatedTokens, int chunks, int chunksTotal, int modelCalls, double prefillMs,
                        double decodeMs, String finishReason, String attention, Integer tokenBudget,
                        long pagesSelected, long kvBytesRead, long kvBytesDense, String note) {
    public static final String OK = "ok";
    public static final String ERROR = "error";

    static RowResult ok(String text, RowUsage u, QuestConfig a) {
        return of(text, OK, null, u, a);
    }

    static RowResult error(String message, RowUsage u, QuestConfig a) {
        return of(null, ERROR, message, u, a);
    }

    private static RowResult of(String text, String status, String error, RowUsage u, QuestConfig a) {
        AttentionCounters c = u.attention;
        return new RowResult(text, status, error, u.promptTokens, u.cachedTokens, u.generatedTokens, u.chunks,
                u.chunksTotal, u.calls, u.prefillNanos / 1e6, u.decodeNanos / 1e6, u.finishReason,
                a.attention().configName(), reportedBudget(a), c.pagesSelected(), c.kvBytesRead(), c.kvBytesDense(), u.note);
    }

    /** The budget as reported in output rows: null for dense attention, which has none. */
    public static Integer reportedBudget(QuestConfig a) {
        return a.attention() == QuestConfig.Attention.QUEST ? a.tokenBudget() : null;
    }

    public boolean ok() {
        return OK.equals(status);
    }
}
