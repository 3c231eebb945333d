package dev.questspark.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slow twin of the hand-written pre-tokenizers: a java.util.regex split that keeps matches and the gaps between
 * them, with \s as Unicode White_Space. Used by tests to check the scanners against the patterns they implement.
 */
final class RegexSplit implements PreTokenizer {
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}");

    private final Pattern pattern;

    RegexSplit(String regex) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @Override
    public void split(int[] cps, int from, int to, IntList lengths) {
        String s = new String(cps, from, to - from);
        Matcher m = pattern.matcher(s);
        int last = 0; // char offset in s
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                lengths.add(s.codePointCount(last, m.start()));
            }
            lengths.add(s.codePointCount(m.start(), m.end()));
            last = m.end();
        }
        if (last < s.length()) {
            lengths.add(s.codePointCount(last, s.length()));
        }
    }
}
