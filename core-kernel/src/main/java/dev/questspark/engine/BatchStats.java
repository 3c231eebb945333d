package dev.questspark.engine;

/**
 * What a {@link BatchDecoder} has done so far: prompts prefilled (their tokens, the tokens of them whose KV entries
 * were copied from a shared prefix instead of computed, and the time their prefill took),
 * batched forward passes of decode steps and the sequence rows they ran, the steps among them that had free slots
 * and no request waiting (the batch short of work, not of memory), tokens generated, and the time spent decoding
 * (forward passes plus sampling, prefills excluded). Aggregate decode throughput is {@code decodeTokens / decodeNanos}, as
 * llama-batched-bench's S_TG counts it. decodeCpuNanos is the CPU time of the thread that ran the decode steps (with
 * one thread, all their work: a measure that other processes' load does not inflate).
 */
public record BatchStats(long prompts, long prefillTokens, long reusedPrefixTokens, long prefillNanos, long decodeSteps, long decodeRows,
                         long starvedSteps, long decodeTokens, long decodeNanos, long decodeCpuNanos) {
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
    }

    /** Mean sequences per batched forward pass. */
    public double meanBatchSize() {
        return decodeSteps == 0 ? 0 : (double) decodeRows / decodeSteps;
    }
}
