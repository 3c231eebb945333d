package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Byte-level BPE on hand-made vocabularies. */
class ByteLevelBpeTokenizerTest {

    @Test
    void mergesByRankWithinEachWord() {
        SyntheticMetadata v = SyntheticMetadata.gpt2("gpt-2").merge("Ġ", "t").merge("h", "e").merge("Ġt", "he");
        Tokenizer tok = v.tokenizer();
        // words: "the", " the" ; "the" has only h+e; " the" merges Ġ t, h e, then Ġt he
        int[] ids = tok.encode("the the", false, false);
        assertArrayEquals(new int[] {'t', v.id("he"), v.id("Ġthe")}, ids);
        assertEquals("the the", tok.decode(ids));
    }

    @Test
    void bytesOfAnyTextRoundTrip() {
        Tokenizer tok = SyntheticMetadata.gpt2("gpt-2").tokenizer();
        String s = "naïve 🙂 日本\t\n\u0000";
        assertEquals(s, tok.decode(tok.encode(s, false, false)));
        assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, tok.encode(s, false, false).length);
    }

    @Test
    void llama3UsesWholeWordsThatAreTokensAndAddsBos() {
        // "Ġxyz" is a token but no merge builds it: with llama3's ignore_merges it is still used whole.
        SyntheticMetadata v = SyntheticMetadata.gpt2("llama-bpe").normal("Ġxyz", 0).normal("<|begin_of_text|>", 0)
                .put("tokenizer.ggml.bos_token_id", 256L);
        Tokenizer tok = v.tokenizer();
        assertArrayEquals(new int[] {'a', v.id("Ġxyz")}, tok.encode("a xyz", false, false));
        assertTrue(tok.addBosByDefault());
        Tokenizer gpt2 = SyntheticMetadata.gpt2("gpt-2").normal("Ġxyz", 0).tokenizer();
        assertArrayEquals(new int[] {'a', ' ', 'x', 'y', 'z'}, // ids are byte values here
                gpt2.encode("a xyz", false, false));
        assertFalse(gpt2.addBosByDefault());
    }

    @Test
    void addBosTokenOverridesThePreTokenizerDefault() {
        Tokenizer tok = SyntheticMetadata.gpt2("llama3").put("tokenizer.ggml.add_bos_token", false).tokenizer();
        assertFalse(tok.addBosByDefault());
    }

    @Test
    void specialTokensSplitOutLongestFirst() {
        SyntheticMetadata v = SyntheticMetadata.gpt2("smollm").token("<|im_start|>", TokenType.CONTROL, 0)
                .token("<|im", TokenType.CONTROL, 0).token("<|im_end|>", TokenType.CONTROL, 0)
                .token("<tag>", TokenType.USER_DEFINED, 0);
        Tokenizer tok = v.tokenizer();
        int[] ids = tok.encode("<|im_start|>x<|im_end|><tag>", false, true);
        assertArrayEquals(new int[] {v.id("<|im_start|>"), 'x', v.id("<|im_end|>"), v.id("<tag>")}, ids);
        // Without special parsing control texts are ordinary text, but user-defined tokens still match.
        int[] plain = tok.encode("<|im_end|><tag>", false, false);
        assertEquals(v.id("<tag>"), plain[plain.length - 1]);
        assertEquals("<|im_end|>".length() + 1, plain.length);
        assertEquals("x<tag>", tok.decode(ids));
        assertEquals("<|im_start|>x<|im_end|><tag>", tok.decode(ids, true));
    }

    @Test
    void endOfGenerationTokensFoundByText() {
        SyntheticMetadata v = SyntheticMetadata.gpt2("qwen2").token("<|endoftext|>", TokenType.CONTROL, 0)
                .normal("<|im_end|>", 0).token("<|im_start|>", TokenType.CONTROL, 0)
                .put("tokenizer.ggml.eos_token_id", 256L);
        Tokenizer tok = v.tokenizer();
        assertTrue(tok.isEndOfGeneration(v.id("<|endoftext|>")));
        assertTrue(tok.isEndOfGeneration(v.id("<|im_end|>")));
        assertFalse(tok.isEndOfGeneration(v.id("<|im_start|>")));
        assertEquals(v.id("<|endoftext|>"), tok.eot());
        // "<|im_end|>" was stored as a normal token; like llama.cpp we treat it as control from then on.
        assertTrue(tok.isSpecial(v.id("<|im_end|>")));
        assertArrayEquals(new int[] {v.id("<|im_end|>")}, tok.encode("<|im_end|>", false, true));
    }

    @Test
    void eotAndEomIdsFromMetadataEndGeneration() {
        SyntheticMetadata v = SyntheticMetadata.gpt2("llama3").normal("<|a|>", 0).normal("<|b|>", 0)
                .put("tokenizer.ggml.eot_token_id", 256L).put("tokenizer.ggml.eom_token_id", 257L);
        Tokenizer tok = v.tokenizer();
        assertTrue(tok.isEndOfGeneration(256));
        assertTrue(tok.isEndOfGeneration(257));
        assertEquals(256, tok.eot());
    }

    @Test
    void cleanSpacesAppliesWhereLlamaCppDoes() {
        String text = "Hi , you ' re here . It 's ok ' ";
        Tokenizer gpt2 = SyntheticMetadata.gpt2("gpt-2").tokenizer();
        assertEquals("Hi, you're here. It's ok'", gpt2.decode(gpt2.encode(text, false, false)));
        Tokenizer smollm = SyntheticMetadata.gpt2("smollm").tokenizer();
        assertEquals(text, smollm.decode(smollm.encode(text, false, false)));
    }

    @Test
    void unknownPreTokenizerIsNamed() {
        Map<String, Object> md = SyntheticMetadata.gpt2("frobnicate").build();
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.fromMetadata(md));
        assertTrue(e.getMessage().contains("'frobnicate'"), e.getMessage());
    }

    @Test
    void missingPreTokenizerUsesDefault() {
        Map<String, Object> md = SyntheticMetadata.gpt2("x").build();
        md.remove("tokenizer.ggml.pre");
        Tokenizer tok = Tokenizer.fromMetadata(md);
        assertEquals("a, b", tok.decode(tok.encode("a, b", false, false)));
    }

    @Test
    void unsupportedModelAndMissingKeysAreNamed() {
        Map<String, Object> md = SyntheticMetadata.gpt2("gpt-2").build();
        md.put("tokenizer.ggml.model", "t5");
        assertTrue(assertThrows(TokenizerException.class, () -> Tokenizer.fromMetadata(md)).getMessage()
                .contains("'t5'"));
        Map<String, Object> noMerges = SyntheticMetadata.gpt2("gpt-2").build();
        noMerges.remove("tokenizer.ggml.merges");
        assertTrue(assertThrows(TokenizerException.class, () -> Tokenizer.fromMetadata(noMerges)).getMessage()
                .contains("tokenizer.ggml.merges"));
        Map<String, Object> badType = SyntheticMetadata.gpt2("gpt-2").build();
        badType.put("tokenizer.ggml.tokens", "oops");
        assertTrue(assertThrows(TokenizerException.class, () -> Tokenizer.fromMetadata(badType)).getMessage()
                .contains("tokenizer.ggml.tokens"));
    }
}
