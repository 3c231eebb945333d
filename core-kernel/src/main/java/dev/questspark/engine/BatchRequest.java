package dev.questspark.engine;

import dev.questspark.model.AttentionStats;
import java.util.function.Consumer;

/**
 * One sequence for a {@link BatchDecoder}: the prompt tokens it adds (after a shared document's, when document is
 * set), how to generate after them (own sampling settings, seed, stop strings and token limit), where to stream its
 * text (nullable; called on the decoder's thread), and whether an end-of-generation token is generated like any other
 * (benchmarks that must decode exactly maxTokens, as llama-batched-bench does). attentionSink (nullable) receives the
 * sequence's decode-attention counters when it finishes.
 */
public record BatchRequest(SharedDocument document, int[] prompt, GenerationConfig config, Consumer<String> onText,
                           boolean ignoreEndOfGeneration, AttentionStats attentionSink) {
    public BatchRequest {
        if (prompt == null || prompt.length == 0 && document == null) {
            throw new IllegalArgumentException("a batch request needs a prompt of at least one token, or a shared document");
        }
        if (config == null) {
            throw new IllegalArgumentException("a batch request needs a GenerationConfig");
        }
        prompt = prompt.clone();
    }

    public BatchRequest(SharedDocument document, int[] prompt, GenerationConfig config, Consumer<String> onText,
                        boolean ignoreEndOfGeneration) {
        this(document, prompt, config, onText, ignoreEndOfGeneration, null);
    }

    public BatchRequest(int[] prompt, GenerationConfig config) {
        this(null, prompt, config, null, false, null);
    }

    /** A continuation of a shared document by prompt (for example a question; may be empty). */
    public BatchRequest(SharedDocument document, int[] prompt, GenerationConfig config) {
        this(document, prompt, config, null, false, null);
    }

    /** Tokens of the whole context before generation: the document's and the prompt's. */
    public int contextTokens() {
        return (document == null ? 0 : document.length()) + prompt.length;
    }
}
