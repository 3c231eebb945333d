package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.text.PromptTemplate.Segments;

/**
 * One row thread's access to the task's {@link BatchGenerator}: each call joins the continuous batch and blocks until
 * its generation is done. KV snapshots are not read or written here: a document shared by calls in flight is
 * prefilled once for all of them instead.
 */
final class BatchedRunner implements PromptRunner {
    private final BatchGenerator batch;
    private final int capacity;

    BatchedRunner(BatchGenerator batch, int capacity) {
        this.batch = batch;
        this.capacity = capacity;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public Generation run(Segments prompt, GenerationConfig sampling, boolean snapshot, RowUsage usage) {
        if (prompt.length() + sampling.maxTokens() > capacity) {
            throw new IllegalStateException("prompt of " + prompt.length() + " tokens plus " + sampling.maxTokens()
                    + " new tokens exceeds the context of " + capacity + " tokens");
        }
        BatchGenerator.Call c = batch.generate(prompt.document(), prompt.tail(), sampling);
        usage.prefillNanos += c.prefillNanos();
        usage.cachedTokens += c.cachedTokens();
        usage.addCall(prompt.length(), c.generation(), c.attention());
        return c.generation();
    }

    @Override
    public void reset() {
    }

    @Override
    public void close() {
    }
}
