package dev.questspark.jobs.generate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-call sampling seeds derived from the job seed and the row's content, not its position, so sampled outputs
 * do not depend on partitioning or retries either.
 */
final class Seeds {
    private Seeds() {
    }

    static long forRow(long seed, String text, String question) {
        long h = seed;
        h = mix(h ^ Arrays.hashCode(text.getBytes(StandardCharsets.UTF_8)));
        h = mix(h ^ (question == null ? 0 : Arrays.hashCode(question.getBytes(StandardCharsets.UTF_8))));
        return h;
    }

    static long forCall(long rowSeed, int call) {
        return mix(rowSeed + 0x9E3779B97F4A7C15L * (call + 1));
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
