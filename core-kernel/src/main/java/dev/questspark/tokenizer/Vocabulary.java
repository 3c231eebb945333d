package dev.questspark.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Token texts, types, scores and attribute flags from {@code tokenizer.ggml.*}. Attribute flags start from the stored
 * token type and may be widened later (a token that ends generation is treated as a control token, as in llama.cpp).
 */
final class Vocabulary {
    static final int ATTR_UNKNOWN = 1;
    static final int ATTR_UNUSED = 1 << 1;
    static final int ATTR_NORMAL = 1 << 2;
    static final int ATTR_CONTROL = 1 << 3;
    static final int ATTR_USER_DEFINED = 1 << 4;
    static final int ATTR_BYTE = 1 << 5;

    private final String[] texts;
    private final TokenType[] types;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> textToId;

    Vocabulary(String[] texts, TokenType[] types, float[] scores) {
        int n = texts.length;
        if (types.length != n || scores.length != n) {
            throw new IllegalArgumentException("vocabulary arrays differ in length");
        }
        this.texts = texts.clone();
        this.types = types.clone();
        this.scores = scores.clone();
        this.attrs = new int[n];
        this.textToId = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            // llama.cpp renames empty entries so that every id keeps a distinct text.
            if (this.texts[i].isEmpty()) {
                this.texts[i] = "[EMPTY_" + i + "]";
            }
            // A repeated text maps to its last id, as in llama.cpp's token_to_id.
            textToId.put(this.texts[i], i);
            attrs[i] = attrOf(types[i]);
        }
    }

    static Vocabulary fromMetadata(Map<String, Object> md) {
        String[] tokens = MetadataValues.strings(md, "tokenizer.ggml.tokens");
        if (tokens == null) {
            throw new TokenizerException("GGUF metadata has no 'tokenizer.ggml.tokens'; the file has no vocabulary");
        }
        int n = tokens.length;
        float[] scores = new float[n];
        Number[] rawScores = MetadataValues.numbers(md, "tokenizer.ggml.scores", n);
        if (rawScores != null) {
            for (int i = 0; i < n; i++) {
                scores[i] = rawScores[i].floatValue();
            }
        }
        TokenType[] types = new TokenType[n];
        Number[] rawTypes = MetadataValues.numbers(md, "tokenizer.ggml.token_type", n);
        for (int i = 0; i < n; i++) {
            types[i] = rawTypes == null ? TokenType.NORMAL : TokenType.fromId(rawTypes[i].longValue());
        }
        return new Vocabulary(tokens, types, scores);
    }

    private static int attrOf(TokenType type) {
        switch (type) {
            case NORMAL: return ATTR_NORMAL;
            case UNKNOWN: return ATTR_UNKNOWN;
            case CONTROL: return ATTR_CONTROL;
            case USER_DEFINED: return ATTR_USER_DEFINED;
            case UNUSED: return ATTR_UNUSED;
            case BYTE: return ATTR_BYTE;
            default: return 0;
        }
    }

    int size() {
        return texts.length;
    }

    String text(int id) {
        return texts[id];
    }

    TokenType type(int id) {
        return types[id];
    }

    float score(int id) {
        return scores[id];
    }

    int attrs(int id) {
        return attrs[id];
    }

    boolean has(int id, int attr) {
        return (attrs[id] & attr) != 0;
    }

    void addAttr(int id, int attr) {
        attrs[id] |= attr;
    }

    void setAttr(int id, int attr) {
        attrs[id] = attr;
    }

    /** The id of a token with exactly this text, or -1. */
    int idOf(String text) {
        Integer id = textToId.get(text);
        return id == null ? -1 : id;
    }

    boolean contains(int id) {
        return id >= 0 && id < texts.length;
    }


    /** Parses a byte token's text {@code <0xXX>}; -1 when the text has another shape. */
    int byteValue(int id) {
        String t = texts[id];
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        try {
            return Integer.parseInt(t.substring(3, 5), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
