package dev.questspark.tokenizer;

/** A tokenizer or chat template cannot be built from the model's metadata, or cannot handle an input. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }
}
