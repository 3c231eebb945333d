package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SentencePiece BPE on a hand-made vocabulary: merge order by score, byte fallback, space prefix, specials. */
class SentencePieceTokenizerTest {
    private final SyntheticMetadata vocab = SyntheticMetadata.spm()
            .normal("▁", -1).normal("h", -2).normal("e", -2).normal("l", -2).normal("o", -2)
            .normal("▁h", -5).normal("he", -3).normal("ll", -4).normal("llo", -6).normal("▁he", -7)
            .normal("▁hello", -8).normal("hello", -9).normal("lo", -1);

    @Test
    void mergesHighestScoreFirst() {
        Tokenizer tok = vocab.tokenizer();
        // "▁hello": candidates ▁h(-5) he(-3) ll(-4) lo(-1): lo first leaves "▁ h e l lo", then he -> "▁ he l lo";
        // ▁he(-7) -> "▁he l lo"; "llo" needs l+lo: "l"+"lo" = "llo" (-6) -> "▁he llo"; "▁hello"(-8) closes it.
        assertArrayEquals(new int[] {vocab.id("▁hello")}, tok.encode("hello", false, false));
        assertArrayEquals(new int[] {tok.bos(), vocab.id("▁hello")}, tok.encode("hello", true, false));
    }

    @Test
    void tieGoesToTheLeftmostPair() {
        SyntheticMetadata v = SyntheticMetadata.spm().normal("a", 0).normal("aa", -1)
                .put("tokenizer.ggml.add_space_prefix", false);
        Tokenizer tok = v.tokenizer();
        assertArrayEquals(new int[] {v.id("aa"), v.id("a")}, tok.encode("aaa", false, false));
    }

    @Test
    void unknownCharactersFallBackToUtf8Bytes() {
        Tokenizer tok = vocab.tokenizer();
        int[] ids = tok.encode("hé", false, false);
        // "▁h" then é as its two UTF-8 bytes C3 A9
        assertArrayEquals(new int[] {vocab.id("▁h"), vocab.id("<0xC3>"), vocab.id("<0xA9>")}, ids);
        assertEquals("hé", tok.decode(ids));
    }

    @Test
    void spacePrefixFollowsSpecialTokensAndIsDroppedOnDecode() {
        Tokenizer tok = vocab.tokenizer();
        int[] ids = tok.encode("hello</s>hello", false, true);
        assertArrayEquals(new int[] {vocab.id("▁hello"), tok.eos(), vocab.id("▁hello")}, ids);
        assertEquals("hello hello", tok.decode(ids));
        assertEquals("hello</s> hello", tok.decode(ids, true));
        // With BOS first the piece that loses its space is BOS itself, as in llama.cpp.
        assertEquals(" hello", tok.decode(tok.encode("hello", true, false)));
    }

    @Test
    void controlTextIsPlainTextWithoutParseSpecial() {
        Tokenizer tok = vocab.tokenizer();
        int[] ids = tok.encode("</s>", false, false);
        assertFalse(ids.length == 1 && ids[0] == tok.eos());
        assertEquals("</s>", tok.decode(ids));
    }

    @Test
    void spacePrefixCanBeTurnedOff() {
        Tokenizer tok = SyntheticMetadata.spm().normal("h", 0).normal("i", 0).normal("hi", 1)
                .put("tokenizer.ggml.add_space_prefix", false).tokenizer();
        assertEquals(1, tok.encode("hi", false, false).length);
        assertEquals("hi", tok.decode(tok.encode("hi", false, false)));
    }

    @Test
    void defaultsFollowLlamaCpp() {
        Tokenizer tok = vocab.tokenizer();
        assertEquals("llama", tok.model());
        assertTrue(tok.addBosByDefault());
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertTrue(tok.isEndOfGeneration(2));
        assertFalse(tok.isEndOfGeneration(1));
        assertEquals(TokenType.BYTE, tok.tokenType(vocab.id("<0x41>")));
        assertArrayEquals(new byte[] {0x41}, tok.tokenBytes(vocab.id("<0x41>")));
        assertArrayEquals(new byte[0], tok.tokenBytes(tok.bos()));
        assertEquals("<s>", tok.tokenText(tok.bos()));
        assertArrayEquals(" he".getBytes(), tok.tokenBytes(vocab.id("▁he")));
    }

    @Test
    void outOfRangeIdsAreRejectedByName() {
        Tokenizer tok = vocab.tokenizer();
        TokenizerException e = assertThrows(TokenizerException.class, () -> tok.decode(new int[] {99999}));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
    }

    @Test
    void bosIdOutsideTheVocabularyKeepsTheDefault() {
        Tokenizer tok = vocab.put("tokenizer.ggml.bos_token_id", 4294967295L).tokenizer();
        assertEquals(1, tok.bos());
    }
}
