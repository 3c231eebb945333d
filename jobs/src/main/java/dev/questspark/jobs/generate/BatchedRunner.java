package dev.questspark.jobs.generate;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.text.PromptTemplate.Segments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One row thread's access to the task's {@link BatchGenerator}: each call joins the continuous batch and blocks until
 * its generation is done. A document shared by calls in flight is prefilled once for all of them (or restored from
 * its KV snapshot, when the batch has snapshots and the call allows one).
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
        return runAll(List.of(prompt), List.of(sampling), snapshot, usage).get(0);
    }

    /** Every call joins the batch at once; their results are taken, and counted in usage, in order. */
    @Override
    public List<Generation> runAll(List<Segments> prompts, List<GenerationConfig> samplings, RowUsage usage) {
        return runAll(prompts, samplings, false, usage);
    }

    private List<Generation> runAll(List<Segments> prompts, List<GenerationConfig> samplings, boolean snapshot,
                                    RowUsage usage) {
        List<CompletableFuture<BatchGenerator.Call>> calls = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            Segments prompt = prompts.get(i);
            GenerationConfig sampling = samplings.get(i);
            if (prompt.length() + sampling.maxTokens() > capacity) {
                calls.add(CompletableFuture.failedFuture(new IllegalStateException("prompt of " + prompt.length()
                        + " tokens plus " + sampling.maxTokens() + " new tokens exceeds the context of " + capacity + " tokens")));
            } else {
                calls.add(batch.submit(prompt.document(), prompt.tail(), sampling, snapshot));
            }
        }
        List<Generation> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            BatchGenerator.Call c;
            try {
                c = calls.get(i).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            usage.prefillNanos += c.prefillNanos();
            usage.cachedTokens += c.cachedTokens();
            usage.addCall(prompts.get(i).length(), c.generation(), c.attention());
            out.add(c.generation());
        }
        return out;
    }

    @Override
    public void reset() {
    }

    @Override
    public void close() {
    }
}
