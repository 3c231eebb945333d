package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompts prefilled once (prefill is always dense) and then decoded under several attention settings. One session
 * per page size: a prompt is prefilled in the first and its keys and values are copied into the others, so every
 * page size sees the same numbers. A new prompt reuses the longest prefix it shares with the previous one (passkey
 * prompts share their filler up to the needle), so a grid pays only for the tokens that differ. Before each setting
 * the context goes back to the prompt; the logits after the prompt come from the dense prefill, as in the paper, so
 * every setting starts from the same first token.
 */
public final class SharedPrefill implements AutoCloseable {
    private final Map<Integer, DecoderSession> sessions = new LinkedHashMap<>(); // by page size; the first prefills
    private final DecoderSession base;
    private int[] prompt = new int[0];
    private float[] firstLogits; // (vocab) after the prompt, from the dense prefill
    private int reused;

    /** Sessions for the given page sizes, each with room for capacity tokens (prompt and generated). */
    public SharedPrefill(Engine engine, List<Integer> pageSizes, int capacity) {
        if (pageSizes.isEmpty()) {
            throw new IllegalArgumentException("a shared prefill needs at least one page size");
        }
        try {
            for (int p : pageSizes) {
                if (!sessions.containsKey(p)) {
                    DecoderSession s = engine.newSession(QuestConfig.dense().withPageSize(p), capacity);
                    sessions.put(p, s);
                    if (s.capacity() < capacity) {
                        throw new IllegalArgumentException("evaluation prompts need a context of " + capacity + " tokens (prompt and "
                                + "generated) but the model allows " + s.capacity() + "; use shorter evaluation lengths");
                    }
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.base = sessions.values().iterator().next();
    }

    /** Prefills prompt into a new session of one page size with room for extraTokens more tokens. */
    public SharedPrefill(Engine engine, int[] prompt, int pageSize, int extraTokens) {
        this(engine, List.of(pageSize), prompt.length + extraTokens);
        try {
            prefill(prompt);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Makes next the prompt every setting starts from: keeps the longest prefix it shares with the previous prompt,
     * prefills the rest densely, and copies the keys and values into the sessions of the other page sizes.
     */
    public void prefill(int[] next) {
        if (next.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
        // at least one token is computed, for the logits
        int keep = Math.min(Agreement.matchingPrefix(prompt, next), next.length - 1);
        base.truncate(Math.min(keep, base.length()));
        PagedKvCache cache = (PagedKvCache) base.kvCache();
        cache.setQuest(QuestConfig.dense().withPageSize(cache.config().quest().pageSize())); // a one-token rest must not go sparse
        base.prefill(Arrays.copyOfRange(next, keep, next.length));
        this.prompt = next.clone();
        this.firstLogits = base.logits().clone();
        this.reused = keep;
        for (DecoderSession s : sessions.values()) {
            if (s != base) {
                copyInto(s);
            }
        }
    }

    private void copyInto(DecoderSession target) {
        PagedKvCache from = (PagedKvCache) base.kvCache();
        PagedKvCache to = (PagedKvCache) target.kvCache();
        target.truncate(0); // empties its cache too
        int n = prompt.length;
        for (int layer = 0; layer < from.config().layers(); layer++) {
            for (int h = 0; h < from.config().kvHeads(); h++) {
                to.load(layer, h, from.firstToken(layer), from.pages(layer, h).keysView(), from.pages(layer, h).valuesView(), n);
            }
        }
        to.advance(n);
        target.restoreContext(prompt, firstLogits);
    }

    /**
     * Copies the last prompt's keys and values and its next-token logits into target, an empty session of any page
     * size and attention setting, which continues from there as this prefill's own sessions do.
     */
    public void copyTo(DecoderSession target) {
        if (firstLogits == null) {
            throw new IllegalStateException("no prompt prefilled yet");
        }
        if (target.length() != 0 || target.capacity() < prompt.length) {
            throw new IllegalArgumentException("copyTo needs an empty session with room for the prompt's " + prompt.length
                    + " tokens; it holds " + target.length() + " of " + target.capacity());
        }
        copyInto(target);
    }

    /** Tokens of the last prompt taken over from the previous one instead of prefilled. */
    public int reusedTokens() {
        return reused;
    }

    /** A copy of the dense next-token logits after the prompt. */
    public float[] firstLogits() {
        if (firstLogits == null) {
            throw new IllegalStateException("no prompt prefilled yet");
        }
        return firstLogits.clone();
    }

    /** The session of quest's page size, back at the prompt and attending as quest says. */
    public DecoderSession use(QuestConfig quest) {
        if (firstLogits == null) {
            throw new IllegalStateException("no prompt prefilled yet");
        }
        DecoderSession s = session(quest.pageSize());
        s.truncate(prompt.length);
        ((PagedKvCache) s.kvCache()).setQuest(quest);
        return s;
    }

    /** Attention counters of the session of the given page size. */
    public AttentionStats stats(int pageSize) {
        return session(pageSize).stats().snapshot();
    }

    private DecoderSession session(int pageSize) {
        DecoderSession s = sessions.get(pageSize);
        if (s == null) {
            throw new IllegalArgumentException("this shared prefill holds page sizes " + sessions.keySet() + ", not " + pageSize);
        }
        return s;
    }

    /**
     * Greedy continuation under quest: the first token from the prefill's logits, each later one from a single-token
     * forward pass (the decode path, where Quest applies). Stops after maxTokens or at end of generation.
     */
    public int[] greedy(QuestConfig quest, int maxTokens, Tokenizer tokenizer) {
        DecoderSession s = use(quest);
        int[] out = new int[maxTokens];
        int count = 0;
        int next = Sampler.argmax(firstLogits);
        while (count < maxTokens && !tokenizer.isEndOfGeneration(next)) {
            out[count++] = next;
            if (count == maxTokens) {
                break;
            }
            s.decode(next);
            next = Sampler.argmax(s.logits());
        }
        return Arrays.copyOf(out, count);
    }

    @Override
    public void close() {
        for (DecoderSession s : sessions.values()) {
            s.close();
        }
    }
}
