package dev.questspark.tokenizer;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The "clean up tokenization spaces" step llama.cpp applies to decoded text of some byte-level BPE models: no space
 * before {@code ? ! . ,}, a lone {@code '} between spaces loses both spaces, and {@code 's 'm 're 've} attach to the
 * word before. Works on bytes, as llama.cpp does.
 */
final class SpaceCleanup {
    private SpaceCleanup() {
    }

    static byte[] apply(byte[] text) {
        return contractions(loneApostrophes(punctuation(text)));
    }

    static byte[] punctuation(byte[] in) {
        return dropSpaceBefore(in, i -> in[i] == '?' || in[i] == '!' || in[i] == '.' || in[i] == ',');
    }

    static byte[] loneApostrophes(byte[] original) {
        if (original.length == 0) {
            return original;
        }
        byte[] in = original.clone(); // a removed space is blanked so it does not count as the next byte's neighbour
        byte[] out = new byte[in.length];
        int n = 0;
        out[n++] = in[0];
        for (int i = 1; i < in.length; i++) {
            byte x = in[i];
            if (x == '\'' && i + 1 < in.length && in[i - 1] == ' ' && in[i + 1] == ' ') {
                n--;
                in[++i] = 0;
            }
            out[n++] = x;
        }
        return Arrays.copyOf(out, n);
    }

    static byte[] contractions(byte[] in) {
        return dropSpaceBefore(in, i -> in[i] == '\'' && i + 1 < in.length && attachesToWordBefore(in, i));
    }

    /** in without each space that stands right before a byte i where drop holds. */
    private static byte[] dropSpaceBefore(byte[] in, IntPredicate drop) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = new byte[in.length];
        int n = 0;
        out[n++] = in[0];
        for (int i = 1; i < in.length; i++) {
            if (in[i - 1] == ' ' && drop.test(i)) {
                n--;
            }
            out[n++] = in[i];
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code 's 'm 're 've} attach; {@code 't 'd 'll} keep their space, as llama.cpp decides. */
    private static boolean attachesToWordBefore(byte[] in, int apostrophe) {
        byte x1 = in[apostrophe + 1];
        if (x1 == 's' || x1 == 'm') {
            return true;
        }
        if (x1 == 't' || x1 == 'd' || apostrophe + 2 >= in.length) {
            return false;
        }
        byte x2 = in[apostrophe + 2];
        return (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e');
    }
}
