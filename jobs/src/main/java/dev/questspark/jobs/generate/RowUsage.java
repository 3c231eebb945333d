package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.jobs.model.Generation;

/** What the model calls of one row consumed, summed over its calls (map and reduce steps included). */
final class RowUsage {
    int promptTokens;
    int cachedTokens;
    int generatedTokens;
    int calls;
    int chunks;
    int chunksTotal;
    long prefillNanos;
    long decodeNanos;
    String finishReason;
    /** How the document was cut or chunked for this row, for the output's note column; null when it was used whole. */
    String note;
    AttentionCounters attention = AttentionCounters.ZERO;

    void addCall(int prompt, Generation g, AttentionCounters delta) {
        promptTokens += prompt;
        generatedTokens += g.tokens().length;
        decodeNanos += g.decodeNanos();
        finishReason = g.finishReason();
        attention = attention.plus(delta);
        calls++;
    }
}
