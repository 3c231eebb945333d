package dev.questspark.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds small GGUF-shaped tokenizer metadata for unit tests. */
final class SyntheticMetadata {
    private final List<Object> tokens = new ArrayList<>();
    private final List<Object> types = new ArrayList<>();
    private final List<Object> scores = new ArrayList<>();
    private final List<Object> merges = new ArrayList<>();
    private final Map<String, Object> md = new HashMap<>();

    static SyntheticMetadata spm() {
        SyntheticMetadata s = new SyntheticMetadata();
        s.md.put("tokenizer.ggml.model", "llama");
        s.token("<unk>", TokenType.UNKNOWN, 0).token("<s>", TokenType.CONTROL, 0).token("</s>", TokenType.CONTROL, 0);
        for (int b = 0; b < 256; b++) {
            s.token(String.format("<0x%02X>", b), TokenType.BYTE, 0);
        }
        return s;
    }

    /** A byte-level vocabulary holding every single byte in GPT-2's alphabet (ids 0..255 in byte order). */
    static SyntheticMetadata gpt2(String pre) {
        SyntheticMetadata s = new SyntheticMetadata();
        s.md.put("tokenizer.ggml.model", "gpt2");
        s.md.put("tokenizer.ggml.pre", pre);
        for (int b = 0; b < 256; b++) {
            s.token(String.valueOf(ByteLevelCodec.encodeByte(b)), TokenType.NORMAL, 0);
        }
        return s;
    }

    SyntheticMetadata token(String text, TokenType type, double score) {
        tokens.add(text);
        types.add((long) type.id());
        scores.add(score);
        return this;
    }

    SyntheticMetadata normal(String text, double score) {
        return token(text, TokenType.NORMAL, score);
    }

    /** Adds a merge "left right" and the merged token. */
    SyntheticMetadata merge(String left, String right) {
        merges.add(left + " " + right);
        if (!tokens.contains(left + right)) {
            normal(left + right, 0);
        }
        return this;
    }

    SyntheticMetadata put(String key, Object value) {
        md.put(key, value);
        return this;
    }

    int id(String text) {
        return tokens.lastIndexOf(text);
    }

    Map<String, Object> build() {
        Map<String, Object> out = new HashMap<>(md);
        out.put("tokenizer.ggml.tokens", List.copyOf(tokens));
        out.put("tokenizer.ggml.token_type", List.copyOf(types));
        out.put("tokenizer.ggml.scores", List.copyOf(scores));
        if ("gpt2".equals(md.get("tokenizer.ggml.model"))) {
            out.put("tokenizer.ggml.merges", List.copyOf(merges));
        }
        return out;
    }

    Tokenizer tokenizer() {
        return Tokenizer.fromMetadata(build());
    }
}
