package dev.questspark.quest;

import java.util.List;
import java.util.Locale;

/** Attention shape of a model the benchmarks use: its name, query heads, KV heads and head dim. */
public record AttentionShape(String id, int heads, int kvHeads, int headDim) {
    public static final AttentionShape SMOLLM2_135M = new AttentionShape("smollm2-135m", 9, 3, 64);
    public static final AttentionShape LLAMA2_7B = new AttentionShape("llama2-7b", 32, 32, 128);
    private static final List<AttentionShape> KNOWN = List.of(SMOLLM2_135M, LLAMA2_7B);

    /** The shape named id ("smollm2-135m" or "llama2-7b"). */
    public static AttentionShape of(String id) {
        String norm = id.trim().toLowerCase(Locale.ROOT);
        for (AttentionShape s : KNOWN) {
            if (s.id.equals(norm)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + id + "'; use smollm2-135m or llama2-7b");
    }
}
