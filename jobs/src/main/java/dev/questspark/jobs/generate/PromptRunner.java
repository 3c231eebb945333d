package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.text.PromptTemplate.Segments;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * Generates from several prompts in order, as that many {@link #run} calls without snapshots would (a batched
     * runner puts them in the batch together); the first failing call's error is thrown.
     */
    default List<Generation> runAll(List<Segments> prompts, List<GenerationConfig> samplings, RowUsage usage) {
        List<Generation> out = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            out.add(run(prompts.get(i), samplings.get(i), false, usage));
        }
        return out;
    }

    /** Drops state a failed row may have left. */
    void reset();

    @Override
    void close();
}
