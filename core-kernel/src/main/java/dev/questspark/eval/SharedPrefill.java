package dev.questspark.eval;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.engine.Sampler;
import dev.questspark.model.AttentionStats;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.QuestConfig;
import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One prompt prefilled once (prefill is always dense) and then decoded under several attention settings of one
 * page size: before each, the context goes back to the prompt and the cache switches settings. The logits after the
 * prompt come from the dense prefill, as in the paper, so every setting starts from the same first token.
 */
public final class SharedPrefill implements AutoCloseable {
    private final DecoderSession session;
    private final PagedKvCache cache;
    private final int promptLength;
    private final float[] firstLogits; // (vocab) after the prompt, from the dense prefill

    /** Prefills prompt into a new session with room for extraTokens more tokens. */
    public SharedPrefill(Engine engine, int[] prompt, int pageSize, int extraTokens) {
        this.session = engine.newSession(QuestConfig.dense().withPageSize(pageSize), prompt.length + extraTokens);
        if (session.capacity() < prompt.length + extraTokens) {
            session.close();
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens plus " + extraTokens + " generated needs a "
                    + "context of " + (prompt.length + extraTokens) + " but the model allows " + session.capacity()
                    + "; use shorter evaluation lengths");
        }
        this.cache = (PagedKvCache) session.kvCache();
        this.promptLength = prompt.length;
        session.prefill(prompt);
        this.firstLogits = session.logits().clone();
    }

    public int promptLength() {
        return promptLength;
    }

    /** A copy of the dense next-token logits after the prompt. */
    public float[] firstLogits() {
        return firstLogits.clone();
    }

    /** The session, back at the prompt and attending as quest says (same page size as this prefill). */
    public DecoderSession use(QuestConfig quest) {
        session.truncate(promptLength);
        cache.setQuest(quest);
        return session;
    }

    public AttentionStats stats() {
        return session.stats().snapshot();
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
            s.prefill(new int[] {next});
            next = Sampler.argmax(s.logits());
        }
        return Arrays.copyOf(out, count);
    }

    @Override
    public void close() {
        session.close();
    }
}
