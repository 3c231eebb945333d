package dev.questspark.eval;

/**
 * A passkey-retrieval prompt of an exact token length.
 *
 * @param tokens       the prompt (BOS first when the model wants one), ending with "The pass key is"
 * @param key          the five digits hidden in the filler
 * @param depth        requested position of the key as a fraction of the filler, 0 (start) to 1 (end)
 * @param fillerStart  index of the first filler token
 * @param fillerTokens filler tokens in total (before and after the needle)
 * @param needleStart  index of the needle's first token (the sentence stating the key)
 * @param needleTokens tokens of the needle
 * @param unitTokens   tokens of one filler unit (the repeated sentence group), the placement granularity
 */
public record PasskeyPrompt(int[] tokens, String key, double depth, int fillerStart, int fillerTokens, int needleStart,
                            int needleTokens, int unitTokens) {
    /** Filler tokens before the needle over all filler tokens: where the key actually is. */
    public double actualDepth() {
        return fillerTokens == 0 ? 0 : (double) (needleStart - fillerStart) / fillerTokens;
    }
}
