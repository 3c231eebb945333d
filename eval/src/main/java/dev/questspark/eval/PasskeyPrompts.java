package dev.questspark.eval;

import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds the passkey prompts of the Quest paper (the LongChat / landmark-attention format): an instruction, filler
 * sentences repeated, a needle stating a random 5-digit key at a chosen depth of the filler, more filler, and the
 * question ending in "The pass key is". Each part is tokenized on its own and the filler is repeated token by token,
 * so the length is exact and the needle's position is known; the needle starts at a filler-unit boundary, the one
 * nearest the requested depth.
 */
public final class PasskeyPrompts {
    public static final String INTRO = "There is an important info hidden inside a lot of irrelevant text. Find it and memorize it. "
            + "I will quiz you about the important information there.";
    public static final String FILLER = " The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";
    public static final String NEEDLE = " The pass key is %s. Remember it. %s is the pass key.";
    public static final String QUESTION = " What is the pass key? The pass key is";

    private final Tokenizer tokenizer;
    private final int[] head;     // BOS (when the model adds one) and the instruction
    private final int[] unit;     // one filler unit
    private final int[] question;

    public PasskeyPrompts(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        int[] intro = encode(INTRO);
        this.head = tokenizer.addBosByDefault() ? concat(new int[] {tokenizer.bos()}, intro) : intro;
        this.unit = encode(FILLER);
        this.question = encode(QUESTION);
    }

    /** Tokens of one filler unit. */
    public int unitTokens() {
        return unit.length;
    }

    /** The key of a seed: five digits, the first not zero. */
    public static String key(long seed) {
        return Integer.toString(10000 + new SplittableRandom(seed).nextInt(90000));
    }

    /** A prompt of exactly totalTokens tokens with key (5 digits) at depth (0..1) of the filler, filler phase 0. */
    public PasskeyPrompt build(int totalTokens, double depth, String key) {
        return build(totalTokens, depth, key, 0);
    }

    /**
     * A prompt of exactly totalTokens tokens with key (5 digits) at depth (0..1) of the filler, the filler starting
     * at token phase of its unit (0 to unitTokens - 1). The needle always follows a whole unit, so it starts a
     * sentence; the phase moves it against KV page boundaries, which a fixed phase would pin to a few offsets and
     * so favour or penalise particular page sizes.
     */
    public PasskeyPrompt build(int totalTokens, double depth, String key, int phase) {
        if (!(depth >= 0 && depth <= 1)) {
            throw new IllegalArgumentException("depth must be within [0, 1], got " + depth);
        }
        if (phase < 0 || phase >= unit.length) {
            throw new IllegalArgumentException("filler phase must be within [0, " + unit.length + "), got " + phase);
        }
        int[] needle = encode(String.format(NEEDLE, key, key));
        int filler = totalTokens - head.length - needle.length - question.length;
        int lead = (unit.length - phase) % unit.length; // tokens of the partial first unit
        if (filler < unit.length + lead) {
            throw new IllegalArgumentException("a passkey prompt needs at least " + (totalTokens - filler + unit.length + lead)
                    + " tokens for its fixed parts and one filler unit, got " + totalTokens);
        }
        int fullUnits = (filler - lead) / unit.length;
        int unitsBefore = (int) Math.max(0, Math.min(fullUnits, Math.round((depth * filler - lead) / unit.length)));
        int before = lead + unitsBefore * unit.length;
        int[] out = new int[totalTokens];
        int at = put(out, 0, head);
        int fillerStart = at;
        at = fill(out, at, before, phase);
        int needleStart = at;
        at = put(out, at, needle);
        at = fill(out, at, filler - before, 0);
        put(out, at, question);
        return new PasskeyPrompt(out, key, depth, fillerStart, filler, needleStart, needle.length, unit.length);
    }

    private int fill(int[] out, int at, int n, int phase) {
        for (int i = 0; i < n; i++) {
            out[at + i] = unit[(phase + i) % unit.length];
        }
        return at + n;
    }

    private static int put(int[] out, int at, int[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    /** SentencePiece models add their own space before a text, so parts drop the leading space there. */
    private int[] encode(String text) {
        String t = tokenizer.model().equals("llama") ? text.stripLeading() : text;
        return tokenizer.encode(t, false, false);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Whether an answer gives the key: its five digits appear in it, in order and together. */
    public static boolean correct(String answer, String key) {
        return answer != null && answer.contains(key);
    }
}
