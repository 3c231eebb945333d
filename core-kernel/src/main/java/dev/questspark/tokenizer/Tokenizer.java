package dev.questspark.tokenizer;

import java.util.Map;

/**
 * Text to token ids and back, built from a GGUF file's {@code tokenizer.ggml.*} metadata, producing the ids llama.cpp
 * produces for the same file. Instances are immutable and safe to share between threads.
 */
public interface Tokenizer {

    /**
     * Builds the tokenizer named by {@code tokenizer.ggml.model}: {@code llama} (SentencePiece BPE with byte fallback)
     * or {@code gpt2} (byte-level BPE with the pre-tokenizer named by {@code tokenizer.ggml.pre}).
     *
     * @param metadata GGUF metadata: integers Long, floats Double, bools Boolean, strings String, arrays List
     * @throws TokenizerException naming the missing or unsupported key
     */
    static Tokenizer fromMetadata(Map<String, Object> metadata) {
        String model = MetadataValues.requiredString(metadata, "tokenizer.ggml.model");
        switch (model) {
            case "llama":
                return SentencePieceTokenizer.fromMetadata(metadata);
            case "gpt2":
                return ByteLevelBpeTokenizer.fromMetadata(metadata);
            default:
                throw new TokenizerException("unsupported tokenizer model tokenizer.ggml.model = '" + model
                        + "'; supported: llama (SentencePiece), gpt2 (byte-level BPE)");
        }
    }

    /**
     * Token ids of {@code text}.
     *
     * @param addBos       put the BOS token first (pass {@link #addBosByDefault()} for the model's own choice)
     * @param parseSpecial recognise control token texts such as {@code <|im_start|>} as those single tokens;
     *                     without it they are tokenized as ordinary text (user-defined tokens always match)
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /** Text of {@code ids}, as llama.cpp's detokenizer gives it; control tokens contribute nothing. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Text of {@code ids}. With {@code renderSpecial} control tokens appear as their text (for example
     * {@code <|im_end|>}). A SentencePiece model drops the space it put before the first word, as llama.cpp does.
     */
    String decode(int[] ids, boolean renderSpecial);

    /**
     * A decoder for generated tokens that returns text only once its UTF-8 bytes are complete. It adds each token's
     * bytes as they are (no leading space is removed and no spaces are cleaned up), as llama.cpp prints tokens while
     * generating.
     */
    default TokenStreamDecoder streamDecoder() {
        return streamDecoder(false);
    }

    /** As {@link #streamDecoder()}; with {@code renderSpecial} control tokens appear as their text. */
    TokenStreamDecoder streamDecoder(boolean renderSpecial);

    /** Bytes token {@code id} adds to decoded text: empty for control and unknown tokens. */
    byte[] tokenBytes(int id);

    /** The token's text as stored in the vocabulary, e.g. {@code Ġthe}, {@code ▁the}, {@code <0x0A>}. */
    String tokenText(int id);

    TokenType tokenType(int id);

    /** Control, unknown and user-defined tokens: those matched by text when special parsing is on. */
    boolean isSpecial(int id);

    int vocabSize();

    /** The BOS id, or -1 when the model has none. */
    int bos();

    /** The EOS id, or -1 when the model has none. */
    int eos();

    /** The end-of-turn id (for example {@code <|im_end|>} or {@code <|eot_id|>}), or -1. */
    int eot();

    /** EOS, EOT, EOM and the other tokens after which llama.cpp stops generating. */
    boolean isEndOfGeneration(int id);

    int[] endOfGenerationIds();

    /** {@code tokenizer.ggml.add_bos_token}, defaulting as llama.cpp does (SentencePiece and Llama 3: true). */
    boolean addBosByDefault();

    /** {@code llama} or {@code gpt2}. */
    String model();
}
