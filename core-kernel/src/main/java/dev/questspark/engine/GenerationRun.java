package dev.questspark.engine;

import dev.questspark.tokenizer.TokenStreamDecoder;
import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The per-sequence side of one generate call, one token at a time: its sampler (own settings and seed), the text
 * decoded so far, stop strings, and why it finished. {@link DecoderSession#generate} and {@link BatchDecoder} both
 * drive it, so a sequence decoded alone and in a batch follows the same rules.
 */
final class GenerationRun {
    private final Tokenizer tokenizer;
    private final GenerationConfig config;
    private final Sampler sampler;
    private final TokenStreamDecoder stream;
    private final Consumer<String> onText;
    private final boolean ignoreEos;
    private final StringBuilder text = new StringBuilder();
    private final int[] out;
    private boolean fromBos;
    private int count;
    private String finish;

    /**
     * fromBos: the context is just the BOS token of a SentencePiece model, whose first word loses its space;
     * ignoreEos: an end-of-generation token is generated like any other (benchmarks of exactly maxTokens).
     */
    GenerationRun(Tokenizer tokenizer, GenerationConfig config, Consumer<String> onText, boolean fromBos, boolean ignoreEos) {
        this.tokenizer = tokenizer;
        this.config = config;
        this.sampler = new Sampler(config);
        this.stream = tokenizer.streamDecoder();
        this.onText = onText;
        this.ignoreEos = ignoreEos;
        this.fromBos = fromBos;
        this.out = new int[config.maxTokens()];
        if (config.maxTokens() == 0) {
            finish("length");
        }
    }

    static boolean startsFromBos(Tokenizer tokenizer, int[] context, int length) {
        return length == 1 && context[0] == tokenizer.bos() && tokenizer.model().equals("llama");
    }

    boolean done() {
        return finish != null;
    }

    /** Tokens generated so far. */
    int count() {
        return count;
    }

    /** Ends the run because the context is full. */
    void contextFull() {
        finish("context");
    }

    /**
     * Picks the next token from the logits after the context. Returns it, to be appended to the context, or -1 when
     * it ends generation (an end-of-generation token, not appended). After a returned token the run may be done (a
     * stop string, the token limit); the token is still part of the context, as it is after a lone generate.
     */
    int next(float[] logits) {
        return nextToken(sampler.sample(logits));
    }

    /** Whether this run picks each token by argmax alone (greedy, no penalties): the logits' greedy token is enough. */
    boolean greedyOnly() {
        return sampler.greedyOnly();
    }

    /** {@link #next(float[])} with the token already picked: the greedy token of logits when {@link #greedyOnly}. */
    int nextToken(int next) {
        if (!ignoreEos && tokenizer.isEndOfGeneration(next)) {
            finish("eos");
            return -1;
        }
        out[count++] = next;
        sampler.accept(next);
        int before = text.length();
        text.append(stream.push(next));
        if (fromBos && text.length() > 0) {
            if (text.charAt(0) == ' ') {
                text.deleteCharAt(0); // SentencePiece drops the space prefix of a text's first word
            }
            fromBos = false;
        }
        int stop = stopIndex(before);
        if (stop >= 0) {
            emit(before, stop);
            text.setLength(stop);
            finish = "stop";
            return next;
        }
        emit(before, text.length());
        if (count == config.maxTokens()) {
            finish("length");
        }
        return next;
    }

    GenerationResult result(long prefillNanos, long decodeNanos) {
        return new GenerationResult(text.toString(), Arrays.copyOf(out, count), prefillNanos, decodeNanos, finish);
    }

    /** Flushes text held back for an unfinished character, unless a stop string cut the text. */
    private void finish(String reason) {
        finish = reason;
        int before = text.length();
        text.append(stream.flush());
        emit(before, text.length());
    }

    private int stopIndex(int before) {
        int best = -1;
        for (String stop : config.stopStrings()) {
            int i = text.indexOf(stop, Math.max(0, before - stop.length() + 1));
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private void emit(int from, int to) {
        if (onText != null && to > from) {
            onText.accept(text.substring(from, to));
        }
    }
}
