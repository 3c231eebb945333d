package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.settings.Settings;

import java.io.Serializable;

/**
 * Everything a task needs to generate, fixed on the driver and shipped with the task: where the model is, what
 * to do with each row, and the {@link Settings} (attention, KV memory budget, sampling, chunking, chat).
 *
 * @param task     summarize, answer, or a prompt template with {text} (and optionally {question})
 * @param settings the settings table's values; validated when they were made
 * @param threads  decoder threads of a task (resolved on the driver: the threads setting, else spark.task.cpus)
 * @param kvCache  absolute directory of KV snapshots of prefilled documents, shared by every executor; null
 *                 for none (see {@link KvCacheDirectory})
 */
public record GeneratorSettings(String modelLocation, String loaderClass, String task, Settings settings, int threads,
                                String kvCache) implements Serializable {
    public GeneratorSettings {
        kvCache = kvCache == null || kvCache.isBlank() ? null : kvCache;
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task must be summarize, answer or a prompt template with {text}");
        }
        if (settings == null) {
            throw new IllegalArgumentException("settings must be set (Settings.defaults() for the defaults)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Decode attention and the KV memory budget of every decoder. */
    public QuestConfig attention() {
        return settings.quest();
    }

    /** How tokens are picked. */
    public GenerationConfig sampling() {
        return settings.generation();
    }

    /** auto (the chat template when the model has one), on or off. */
    public String chat() {
        return settings.get(Settings.CHAT);
    }

    /** Tokens of context per decoder; 0 means the model's context length (larger values are capped to it). */
    public int contextTokens() {
        return settings.get(Settings.CONTEXT_TOKENS);
    }

    /** Tokens shared by consecutive chunks of a long document. */
    public int chunkOverlap() {
        return settings.get(Settings.CHUNK_OVERLAP);
    }

    /** Sequences a task decodes together (1: one row at a time, without a batch decoder). */
    public int batchSize() {
        return settings.get(Settings.BATCH_SIZE);
    }

    /** Chunk size for ranking the parts of a long document against a question. */
    public int qaChunkTokens() {
        return settings.get(Settings.QA_CHUNK_TOKENS);
    }

    /** The most document tokens a question is answered from (0: as many as fit the context). */
    public int qaContextTokens() {
        return settings.get(Settings.QA_CONTEXT_TOKENS);
    }

    /** Whether a short answer not found in the document is replaced by the document's best sentence. */
    public boolean qaGrounding() {
        return settings.get(Settings.QA_GROUNDING).equals("on");
    }

    /** The longest text summarized in one call; longer ones are summarized chunk by chunk (0: the context's room). */
    public int summaryChunkTokens() {
        return settings.get(Settings.SUMMARY_CHUNK_TOKENS);
    }

    /** The most sentences a summary keeps (0: no limit). */
    public int summarySentences() {
        return settings.get(Settings.SUMMARY_SENTENCES);
    }

    /** How a long document's chunks are ranked for a question: bm25 or quest (page upper bounds). */
    public String router() {
        return settings.get(Settings.ROUTER);
    }
}
