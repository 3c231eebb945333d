package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hand-written splits against llama.cpp's behaviour on examples, and against java.util.regex on random text. */
class PreTokenizerTest {
    private static final String[] ALPHABET = {"a", "b", "Z", "é", "ß", "日", "本", "ж", "0", "7", "9", "²", "①", "Ⅷ",
        " ", " ", " ", " ", "\t", "\n", "\n", "\r", "\u00a0", "\u3000", "\u2003", "\u0085", "\u001f", "'", "'", "s",
        "S", "t", "l", "L", "e", "r", "v", "m", "d", "D", ",", ".", "!", "?", "-", "_", "$", "+", "<", "=", "|", "~",
        "^", "😀", "\u0301", "\u200b"};

    private static List<String> words(String spec, String text) {
        int[] cps = Codepoints.of(text);
        IntList lengths = PreTokenizers.forName(spec).split(cps);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < lengths.size(); i++) {
            out.add(new String(cps, start, lengths.get(i)));
            start += lengths.get(i);
        }
        return out;
    }

    @Test
    void gpt2KeepsOneSpaceForTheNextWord() {
        assertEquals(List.of("Hello", " world", "  ", " !!", " it", "'s", " 123"),
                words("gpt-2", "Hello world   !! it's 123"));
        assertEquals(List.of("a", "\t", "b"), words("gpt-2", "a\tb"));
        assertEquals(List.of("end", "   "), words("gpt-2", "end   "));
        // Case matters in GPT-2's contractions.
        assertEquals(List.of("I", "'", "LL"), words("gpt-2", "I'LL"));
    }

    @Test
    void smollmIsolatesEveryDigitFirst() {
        assertEquals(List.of("x", "1", "2", "3", " ", "4"), words("smollm", "x123 4"));
        // The space before a digit cannot join it, and a whitespace run before a digit stays whole.
        assertEquals(List.of("a", "  ", "1"), words("smollm", "a  1"));
    }

    @Test
    void llama3GroupsDigitsInThreesAndIgnoresCaseInContractions() {
        assertEquals(List.of("123", "456", "7"), words("llama3", "1234567"));
        assertEquals(List.of("I", "'LL", " go"), words("llama3", "I'LL go"));
        assertEquals(List.of("a", "\n\n", "b"), words("llama3", "a\n\nb"));
        assertEquals(List.of("x", " \n", " ", " y"), words("llama3", "x \n  y"));
        assertEquals(List.of("(\"", "hi", "\")\n"), words("llama3", "(\"hi\")\n"));
        assertEquals(List.of("1", "2", "3"), words("qwen2", "123"));
    }

    @Test
    void gpt2ScannerEqualsRegex() {
        compare(new Gpt2Split(), new RegexSplit(RegexSplit.GPT2));
    }

    @Test
    void llama3ScannerEqualsRegex() {
        compare(new Llama3Split(3), new RegexSplit(RegexSplit.LLAMA3));
    }

    @Test
    void qwen2ScannerEqualsRegex() {
        compare(new Llama3Split(1), new RegexSplit(RegexSplit.QWEN2));
    }

    @Test
    void smollmPipelineEqualsRegexes() {
        PreTokenizers.Spec fast = PreTokenizers.forName("smollm");
        PreTokenizers.Spec slow = new PreTokenizers.Spec("smollm-regex",
                List.of(new RegexSplit("\\p{N}"), new RegexSplit(RegexSplit.GPT2)), false, false, false);
        compare(fast, slow);
    }

    @Test
    void defaultPipelineEqualsRegexes() {
        PreTokenizers.Spec fast = PreTokenizers.forName("default");
        PreTokenizers.Spec slow = new PreTokenizers.Spec("default-regex", List.of(
                new RegexSplit("[\\p{P}\\$\\+<=>\\^~\\|]+"), new RegexSplit(RegexSplit.GPT2),
                new RegexSplit("\\p{N}+"), new RegexSplit("[0-9][0-9][0-9]")), false, false, true);
        compare(fast, slow);
    }

    private static void compare(PreTokenizer fast, PreTokenizer slow) {
        compare(new PreTokenizers.Spec("fast", List.of(fast), false, false, false),
                new PreTokenizers.Spec("slow", List.of(slow), false, false, false));
    }

    /** Exact equality of the splits on 20,000 random strings drawn from an alphabet of edge cases. */
    private static void compare(PreTokenizers.Spec fast, PreTokenizers.Spec slow) {
        Random rnd = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(24);
            for (int i = 0; i < len; i++) {
                sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
            }
            int[] cps = Codepoints.of(sb.toString());
            IntList a = fast.split(cps);
            IntList b = slow.split(cps);
            assertEquals(toList(b), toList(a), () -> "split of \"" + escape(sb.toString()) + "\"");
        }
    }

    private static List<Integer> toList(IntList l) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(l.get(i));
        }
        return out;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp > 0x7e ? String.format("\\u%04x", cp)
                : String.valueOf((char) cp)));
        return sb.toString();
    }
}
