package dev.questspark.tokenizer;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The word splits and flags that {@code tokenizer.ggml.pre} selects for byte-level BPE vocabularies, with the stages
 * and defaults llama.cpp uses for each name.
 */
final class PreTokenizers {
    private static final Logger LOG = LoggerFactory.getLogger(PreTokenizers.class);

    /**
     * @param ignoreMerges a word that is itself a token is emitted whole, without merging
     * @param addBos       whether BOS is added by default when {@code tokenizer.ggml.add_bos_token} is absent
     * @param cleanSpaces  decoding removes the space before {@code ? ! . ,} and some contractions
     */
    record Spec(String name, List<PreTokenizer> stages, boolean ignoreMerges, boolean addBos, boolean cleanSpaces) {
        /** Splits {@code cps} into words; returns their lengths in code points. */
        IntList split(int[] cps) {
            IntList lengths = new IntList();
            lengths.add(cps.length);
            for (PreTokenizer stage : stages) {
                IntList next = new IntList(lengths.size() * 2);
                int start = 0;
                for (int i = 0; i < lengths.size(); i++) {
                    int len = lengths.get(i);
                    stage.split(cps, start, start + len, next);
                    start += len;
                }
                lengths = next;
            }
            return lengths;
        }
    }

    private static final PreTokenizer GPT2 = new Gpt2Split();
    private static final PreTokenizer LLAMA3 = new Llama3Split(3);
    private static final PreTokenizer QWEN2 = new Llama3Split(1);
    private static final PreTokenizer EACH_DIGIT = new RunSplit(Codepoints::isNumber, 1, 1);
    private static final List<PreTokenizer> DEFAULT = List.of(
            new RunSplit(cp -> Codepoints.isPunctuation(cp) || "$+<=>^~|".indexOf(cp) >= 0, 1, Integer.MAX_VALUE),
            GPT2,
            new RunSplit(Codepoints::isNumber, 1, Integer.MAX_VALUE),
            new RunSplit(cp -> cp >= '0' && cp <= '9', 3, 3));

    private static final Map<String, Spec> BY_NAME = Map.ofEntries(
            entry(new Spec("default", DEFAULT, false, false, true)),
            entry(new Spec("gpt-2", List.of(GPT2), false, false, true)),
            // "gpt2" is not a name llama.cpp writes, but it is the obvious spelling of the same split.
            entry(new Spec("gpt2", List.of(GPT2), false, false, true)),
            entry(new Spec("phi-2", List.of(GPT2), false, false, true)),
            entry(new Spec("mpt", List.of(GPT2), false, false, true)),
            entry(new Spec("olmo", List.of(GPT2), false, false, true)),
            entry(new Spec("jais", List.of(GPT2), false, false, true)),
            entry(new Spec("llama3", List.of(LLAMA3), true, true, true)),
            entry(new Spec("llama-v3", List.of(LLAMA3), true, true, true)),
            entry(new Spec("llama-bpe", List.of(LLAMA3), true, true, true)),
            entry(new Spec("falcon3", List.of(LLAMA3), true, true, true)),
            entry(new Spec("pixtral", List.of(LLAMA3), true, true, true)),
            entry(new Spec("dbrx", List.of(LLAMA3), false, false, true)),
            entry(new Spec("smaug-bpe", List.of(LLAMA3), false, false, true)),
            entry(new Spec("qwen2", List.of(QWEN2), false, false, false)),
            entry(new Spec("deepseek-r1-qwen", List.of(QWEN2), false, false, false)),
            entry(new Spec("stablelm2", List.of(QWEN2), false, false, true)),
            entry(new Spec("smollm", List.of(EACH_DIGIT, GPT2), false, false, false)),
            entry(new Spec("command-r", List.of(EACH_DIGIT, GPT2), false, false, false)),
            entry(new Spec("starcoder", List.of(EACH_DIGIT, GPT2), false, false, true)),
            entry(new Spec("refact", List.of(EACH_DIGIT, GPT2), false, false, true)),
            entry(new Spec("codeshell", List.of(EACH_DIGIT, GPT2), false, false, true)));

    private PreTokenizers() {
    }

    private static Map.Entry<String, Spec> entry(Spec spec) {
        return Map.entry(spec.name(), spec);
    }

    /** The split for {@code tokenizer.ggml.pre}; a missing name means llama.cpp's "default". */
    static Spec forName(String name) {
        if (name == null || name.isEmpty()) {
            LOG.warn("GGUF has no tokenizer.ggml.pre; using the 'default' pre-tokenizer (tokens may differ from the"
                    + " model's training; regenerate the GGUF with a current llama.cpp converter)");
            return BY_NAME.get("default");
        }
        Spec spec = BY_NAME.get(name);
        if (spec == null) {
            throw new TokenizerException("unsupported pre-tokenizer tokenizer.ggml.pre = '" + name
                    + "'; supported: " + String.join(", ", new java.util.TreeSet<>(BY_NAME.keySet()))
                    + ". Use a model whose GGUF names one of these.");
        }
        return spec;
    }
}
