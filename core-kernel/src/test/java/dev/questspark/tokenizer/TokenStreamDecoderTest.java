package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Streaming decode holds back partial UTF-8 sequences split over byte tokens. */
class TokenStreamDecoderTest {
    private final SyntheticMetadata vocab = SyntheticMetadata.spm().normal("▁hi", 0).normal("▁", 0);
    private final Tokenizer tok = vocab.tokenizer();

    private int byteToken(int b) {
        return vocab.id(String.format("<0x%02X>", b));
    }

    @Test
    void emojiArrivesWhole() {
        byte[] smile = "🙂".getBytes(StandardCharsets.UTF_8);
        TokenStreamDecoder d = tok.streamDecoder();
        assertEquals(" hi", d.push(vocab.id("▁hi")));
        for (int i = 0; i < smile.length - 1; i++) {
            assertEquals("", d.push(byteToken(smile[i] & 0xFF)));
            assertTrue(d.hasPending());
        }
        assertEquals("🙂", d.push(byteToken(smile[smile.length - 1] & 0xFF)));
        assertFalse(d.hasPending());
        assertEquals("", d.flush());
    }

    @Test
    void everySplitOfMixedTextReassembles() {
        String text = "é日本🙂a👨‍👩‍👧";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        TokenStreamDecoder d = tok.streamDecoder();
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            String s = d.push(byteToken(b & 0xFF));
            assertFalse(s.contains("\uFFFD"), "half a character emitted");
            out.append(s);
        }
        assertEquals(text, out.append(d.flush()).toString());
    }

    @Test
    void malformedBytesArePassedOnAsReplacement() {
        TokenStreamDecoder d = tok.streamDecoder();
        assertEquals("", d.push(byteToken(0xE6)));
        // A lead byte cut short by ASCII: both come out, the broken one as U+FFFD.
        assertEquals("\uFFFDA", d.push(byteToken('A')));
        assertEquals("\uFFFD", d.push(byteToken(0x80)));
        assertEquals("", d.push(byteToken(0xF0)));
        assertEquals("\uFFFD", d.flush());
    }

    @Test
    void controlTokensAreSilentUnlessRendered() {
        assertEquals("", tok.streamDecoder().push(tok.eos()));
        assertEquals("</s>", tok.streamDecoder(true).push(tok.eos()));
    }

    @Test
    void completePrefixFindsTheLastWholeCharacter() {
        assertEquals(0, Utf8.completePrefix(new byte[0]));
        assertEquals(1, Utf8.completePrefix(new byte[] {'a', (byte) 0xC3}));
        assertEquals(3, Utf8.completePrefix(new byte[] {'a', (byte) 0xC3, (byte) 0xA9}));
        assertEquals(1, Utf8.completePrefix(new byte[] {'a', (byte) 0xF0, (byte) 0x9F, (byte) 0x99}));
        assertEquals(2, Utf8.completePrefix(new byte[] {(byte) 0x80, (byte) 0x80}));
    }
}
