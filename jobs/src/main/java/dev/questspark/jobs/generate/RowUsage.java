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
