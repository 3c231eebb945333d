package dev.questspark.engine;

/**
 * Where a {@link SharedDocument}'s prefilled KV cache may come from instead of a prefill, and where it goes after one
 * (a directory of KV snapshots). The {@link BatchDecoder} calls it on its driver thread, with sessions whose caches
 * are reserved in the batch's memory budget.
 */
public interface DocumentStore {
    /**
     * Loads the stored KV cache of tokens into empty (restoring its context and next-token logits) and returns true,
     * or returns false when there is none usable. After false or an exception the session is discarded and the
     * document is prefilled, so a partly loaded session does no harm.
     */
    boolean restore(int[] tokens, DecoderSession empty);

    /** Stores prefilled, which holds exactly tokens; a failure is logged and the batch goes on. */
    void save(int[] tokens, DecoderSession prefilled);
}
