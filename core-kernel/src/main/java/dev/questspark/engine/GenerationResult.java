package dev.questspark.engine;

/**
 * The outcome of one generate call: the text and ids of the generated tokens (the stop token excluded), the time
 * spent prefilling pending prompt tokens and decoding, and why it stopped: "eos", "length" or "stop".
 */
public record GenerationResult(String text, int[] tokens, long prefillNanos, long decodeNanos, String finishReason) {
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : tokens.length * 1e9 / decodeNanos;
    }
}
