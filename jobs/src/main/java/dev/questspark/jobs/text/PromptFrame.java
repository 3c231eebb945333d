package dev.questspark.jobs.text;

import dev.questspark.jobs.model.DocumentModel;

import java.util.Arrays;

/**
 * The tokens the model's prompt format puts before and after a user message (chat template header and footer,
 * BOS). Found by rendering two one-letter messages and keeping what they share, so a prompt can be assembled
 * from separately tokenized parts: the document part is then the same tokens for every question about it, and
 * its KV cache can be reused.
 */
public record PromptFrame(int[] prefix, int[] suffix) {
    public static PromptFrame discover(DocumentModel model, boolean chat) {
        int[] a = model.encodePrompt("a", chat);
        int[] b = model.encodePrompt("b", chat);
        int p = 0;
        while (p < a.length && p < b.length && a[p] == b[p]) {
            p++;
        }
        int s = 0;
        while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] == b[b.length - 1 - s]) {
            s++;
        }
        if (p == a.length || p == b.length) {
            throw new IllegalStateException("cannot find where the message goes in the prompt format of " + model.name());
        }
        return new PromptFrame(Arrays.copyOf(a, p), Arrays.copyOfRange(a, a.length - s, a.length));
    }

    public int size() {
        return prefix.length + suffix.length;
    }
}
