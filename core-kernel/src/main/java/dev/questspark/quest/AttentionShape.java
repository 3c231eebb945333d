package dev.questspark.quest;

import java.util.Locale;

/** Attention shapes of the models the benchmarks use (query heads, KV heads, head dim). */
public enum AttentionShape {
    SMOLLM2_135M("smollm2-135m", 9, 3, 64),
    LLAMA2_7B("llama2-7b", 32, 32, 128);

    private final String id;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    AttentionShape(String id, int heads, int kvHeads, int headDim) {
        this.id = id;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    public String id() {
        return id;
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** The shape named id ("smollm2-135m" or "llama2-7b"). */
    public static AttentionShape of(String id) {
        String norm = id.trim().toLowerCase(Locale.ROOT);
        for (AttentionShape s : values()) {
            if (s.id.equals(norm)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + id + "'; use smollm2-135m or llama2-7b");
    }
}
