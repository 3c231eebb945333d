package dev.questspark.jobs.model;

import java.io.Serializable;

/** How to pick tokens: temperature 0 is greedy (and then topK, topP and seed do not matter). */
public record SamplingSettings(int maxTokens, float temperature, int topK, float topP, long seed) implements Serializable {
    public SamplingSettings {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    /** The same settings with another seed (each model call of a row gets its own, derived from the row). */
    public SamplingSettings withSeed(long newSeed) {
        return new SamplingSettings(maxTokens, temperature, topK, topP, newSeed);
    }
}
