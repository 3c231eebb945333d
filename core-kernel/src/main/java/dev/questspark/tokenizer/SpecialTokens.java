package dev.questspark.tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BOS/EOS/EOT/EOM/UNK ids and the set of tokens that end generation. Ids come from {@code tokenizer.ggml.*_token_id}
 * when present and inside the vocabulary; end-of-turn tokens that older conversions did not record are found by their
 * text, with the same lists llama.cpp uses, so that generation stops where llama.cpp's does. Ids are -1 where the
 * vocabulary has no such token.
 */
record SpecialTokens(int bos, int eos, int eot, int eom, int unk, Set<Integer> endOfGeneration) {
    private static final Logger LOG = LoggerFactory.getLogger(SpecialTokens.class);

    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
            "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
            "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    private static final List<String> EOG_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");
    private static final List<String> ALWAYS_RENDERED = List.of("<|channel|>", "<|message|>", "<|start|>",
            "<|constrain|>");

    SpecialTokens {
        endOfGeneration = Collections.unmodifiableSortedSet(new TreeSet<>(endOfGeneration));
    }

    boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    int[] endOfGenerationIds() {
        return endOfGeneration.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Resolves ids and marks end-of-turn tokens as control tokens in {@code vocab}.
     *
     * @param defaultBos llama.cpp's default for the tokenizer model (SPM 1, BPE 11), -1 for none
     */
    static SpecialTokens resolve(Map<String, Object> md, Vocabulary vocab, int defaultBos, int defaultEos,
            int defaultUnk) {
        int bos = id(md, vocab, "tokenizer.ggml.bos_token_id", defaultBos);
        int eos = id(md, vocab, "tokenizer.ggml.eos_token_id", defaultEos);
        int unk = id(md, vocab, "tokenizer.ggml.unknown_token_id", defaultUnk);
        int eot = idOrFind(md, vocab, "tokenizer.ggml.eot_token_id", EOT_TEXTS);
        int eom = idOrFind(md, vocab, "tokenizer.ggml.eom_token_id", EOM_TEXTS);
        idOrFind(md, vocab, "tokenizer.ggml.fim_pre_token_id", FIM_PRE_TEXTS);
        idOrFind(md, vocab, "tokenizer.ggml.fim_suf_token_id", FIM_SUF_TEXTS);
        idOrFind(md, vocab, "tokenizer.ggml.fim_mid_token_id", FIM_MID_TEXTS);
        int fimPad = idOrFind(md, vocab, "tokenizer.ggml.fim_pad_token_id", FIM_PAD_TEXTS);
        int fimRep = idOrFind(md, vocab, "tokenizer.ggml.fim_rep_token_id", FIM_REP_TEXTS);
        int fimSep = idOrFind(md, vocab, "tokenizer.ggml.fim_sep_token_id", FIM_SEP_TEXTS);

        Set<Integer> eog = new TreeSet<>();
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id >= 0) {
                eog.add(id);
            }
        }
        for (String text : EOG_TEXTS) {
            int id = vocab.idOf(text);
            if (id >= 0) {
                eog.add(id);
                vocab.addAttr(id, Vocabulary.ATTR_CONTROL);
            }
        }
        for (String text : ALWAYS_RENDERED) {
            int id = vocab.idOf(text);
            if (id >= 0) {
                vocab.setAttr(id, Vocabulary.ATTR_USER_DEFINED);
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id >= 0) {
                eog.add(id);
            }
        }
        dropEndWhenHarmony(vocab, eog);
        dropClosingSWhenToolResponse(vocab, eog);
        LOG.debug("end-of-generation tokens: {}", eog);
        return new SpecialTokens(bos, eos, eot, eom, unk, eog);
    }

    /** Harmony-style vocabularies end turns with return/call; their "<|end|>" only ends a message. */
    private static void dropEndWhenHarmony(Vocabulary vocab, Set<Integer> eog) {
        boolean ret = containsText(vocab, eog, "<|return|>");
        boolean call = containsText(vocab, eog, "<|call|>") || containsText(vocab, eog, "<|calls|>");
        boolean flush = containsText(vocab, eog, "<|flush|>");
        int end = vocab.idOf("<|end|>");
        if (end >= 0 && eog.contains(end) && ((ret && call) || (call && flush))) {
            eog.remove(end);
            vocab.setAttr(end, Vocabulary.ATTR_USER_DEFINED);
        }
    }

    /** Vocabularies with "<|tool_response>" use "</s>" inside turns. */
    private static void dropClosingSWhenToolResponse(Vocabulary vocab, Set<Integer> eog) {
        int s = vocab.idOf("</s>");
        if (s >= 0 && eog.contains(s) && containsText(vocab, eog, "<|tool_response>")) {
            eog.remove(s);
            vocab.setAttr(s, Vocabulary.ATTR_NORMAL);
        }
    }

    private static boolean containsText(Vocabulary vocab, Set<Integer> eog, String text) {
        int id = vocab.idOf(text);
        return id >= 0 && eog.contains(id);
    }

    private static int id(Map<String, Object> md, Vocabulary vocab, String key, int fallback) {
        int def = vocab.contains(fallback) ? fallback : -1;
        Long v = MetadataValues.integer(md, key);
        if (v == null) {
            return def;
        }
        if (v < 0 || v >= vocab.size()) {
            LOG.debug("{} = {} is outside the vocabulary of {} tokens; using {}", key, v, vocab.size(), def);
            return def;
        }
        return v.intValue();
    }

    /** The id from metadata, else the lowest id whose text is in {@code texts} (then treated as control). */
    private static int idOrFind(Map<String, Object> md, Vocabulary vocab, String key, List<String> texts) {
        int id = id(md, vocab, key, -1);
        if (id >= 0) {
            return id;
        }
        int found = texts.stream().mapToInt(vocab::idOf).filter(i -> i >= 0).min().orElse(-1);
        if (found >= 0) {
            vocab.addAttr(found, Vocabulary.ATTR_CONTROL);
        }
        return found;
    }

    @Override
    public String toString() {
        return "bos=" + bos + " eos=" + eos + " eot=" + eot + " eom=" + eom + " unk=" + unk + " eog="
                + Arrays.toString(endOfGenerationIds());
    }
}
