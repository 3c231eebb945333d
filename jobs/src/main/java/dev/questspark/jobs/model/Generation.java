package dev.questspark.jobs.model;

/** What one generate call produced; finishReason is "eos", "length" or "stop". */
public record Generation(String text, int[] tokens, long decodeNanos, String finishReason) {
}
