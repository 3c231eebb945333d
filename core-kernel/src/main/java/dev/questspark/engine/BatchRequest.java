package dev.questspark.engine;

import java.util.function.Consumer;

/**
 * One sequence for a {@link BatchDecoder}: its prompt tokens, how to generate after them (own sampling settings, seed,
 * stop strings and token limit), and where to stream its text (nullable; called on the decoder's thread).
 */
public record BatchRequest(int[] prompt, GenerationConfig config, Consumer<String> onText) {
    public BatchRequest {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("a batch request needs a prompt of at least one token");
        }
        if (config == null) {
            throw new IllegalArgumentException("a batch request needs a GenerationConfig");
        }
        prompt = prompt.clone();
    }

    public BatchRequest(int[] prompt, GenerationConfig config) {
        this(prompt, config, null);
    }
}
