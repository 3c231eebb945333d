package dev.questspark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible map between bytes and printable code points: printable Latin-1 bytes stand for themselves, the
 * other 68 bytes (controls, space, 0x7F-0xA0, 0xAD) take U+0100 onwards in byte order. Byte-level BPE vocabularies
 * store their tokens in this alphabet, so a space is "Ġ" (U+0120) and a newline "Ċ" (U+010A).
 */
final class ByteLevelCodec {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelCodec() {
    }

    static char encodeByte(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a code point stands for, or -1 when it is outside the alphabet. */
    static int decodeChar(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** The UTF-8 bytes of {@code cps[from, to)} written in the byte alphabet, one char per byte. */
    static String encode(int[] cps, int from, int to) {
        byte[] utf8 = new String(cps, from, to - from).getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * The bytes a vocabulary text stands for. A code point outside the alphabet (which a well-formed vocabulary does
     * not have) is kept as its UTF-8 bytes, bracketed the way llama.cpp reports it.
     */
    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = decodeChar(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                StringBuilder hex = new StringBuilder("[UNK_BYTE_0x");
                for (byte r : raw) {
                    hex.append(String.format("%02x", r & 0xFF));
                }
                out.writeBytes(hex.append(text).append(']').toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
