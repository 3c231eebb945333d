package dev.questspark.tokenizer;

/** Token types as stored in the GGUF key {@code tokenizer.ggml.token_type}. */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Unknown ids map to UNDEFINED, as llama.cpp does. */
    public static TokenType fromId(long id) {
        for (TokenType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return UNDEFINED;
    }
}
