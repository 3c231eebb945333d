package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.text.PromptTemplate.Segments;

/**
 * Runs the model calls of a task's rows: one decoder with a cached document ({@link CachedDecoder}), or a share of a
 * continuous batch ({@link BatchedRunner}). Both compute a prompt as a prefill of its document segment, a prefill
 * of its tail and a generation, so they give the same outputs.
 */
interface PromptRunner extends AutoCloseable {
    /** Tokens of context a prompt and its generation may take. */
    int capacity();

    /**
     * Generates from prompt, adding the call to usage. snapshot says the document segment is the same for every
     * question about the document, so a KV snapshot of it may be reused and saved.
     */
    Generation run(Segments prompt, GenerationConfig sampling, boolean snapshot, RowUsage usage);

    /** Drops state a failed row may have left. */
    void reset();

    @Override
    void close();
}
