package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.AttentionSettings;
import dev.questspark.jobs.model.SamplingSettings;

import java.io.Serializable;
import java.util.Locale;

/**
 * Everything a task needs to generate, fixed on the driver and shipped with the task.
 *
 * @param task          summarize, answer, or a prompt template with {text} (and optionally {question})
 * @param chat          auto (the chat template when the model has one), on or off
 * @param contextTokens tokens of context per decoder; 0 means the model's context length (larger values are
 *                      capped to it)
 * @param chunkOverlap  tokens shared by consecutive chunks of a long document
 * @param qaChunkTokens chunk size for ranking the parts of a long document against a question
 * @param kvCache       absolute directory of KV snapshots of prefilled documents, shared by every executor; null
 *                      for none (see {@link KvCacheDirectory})
 */
public record GeneratorSettings(String modelLocation, String loaderClass, String task, String chat,
                                SamplingSettings sampling, AttentionSettings attention, int threads, int contextTokens,
                                int chunkOverlap, int qaChunkTokens, String kvCache) implements Serializable {
    /** Settings without a KV snapshot directory. */
    public GeneratorSettings(String modelLocation, String loaderClass, String task, String chat,
                             SamplingSettings sampling, AttentionSettings attention, int threads, int contextTokens,
                             int chunkOverlap, int qaChunkTokens) {
        this(modelLocation, loaderClass, task, chat, sampling, attention, threads, contextTokens, chunkOverlap,
                qaChunkTokens, null);
    }

    public GeneratorSettings {
        kvCache = kvCache == null || kvCache.isBlank() ? null : kvCache;
        chat = chat == null ? "auto" : chat.trim().toLowerCase(Locale.ROOT);
        switch (chat) {
            case "auto", "on", "off" -> { }
            case "true" -> chat = "on";
            case "false" -> chat = "off";
            default -> throw new IllegalArgumentException("chat must be auto, on or off, got '" + chat + "'");
        }
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task must be summarize, answer or a prompt template with {text}");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (contextTokens < 0 || chunkOverlap < 0 || qaChunkTokens < 1) {
            throw new IllegalArgumentException("context tokens and chunk overlap must not be negative and QA chunk tokens"
                    + " must be positive, got " + contextTokens + ", " + chunkOverlap + ", " + qaChunkTokens);
        }
    }
}
