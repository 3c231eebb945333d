package dev.questspark.jobs.model;

import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.quest.QuestConfig;

import java.nio.file.Path;

/**
 * A language model as the jobs use it: a tokenizer, the prompt format and decoders. Implementations are shared by
 * every task of an executor JVM, so they must be thread-safe; the {@link Decoder}s they make are not.
 */
public interface DocumentModel {
    /** Model name from its metadata. */
    String name();

    /** Tokens the model can attend over (from its metadata). */
    int contextLength();

    /** Stable hash of the model file's header: identifies the weights a result was produced with. */
    String fingerprint();

    /** Text to tokens without BOS; special-token text inside documents is read as plain text, never as control. */
    int[] encode(String text);

    /** Tokens back to text. */
    String decode(int[] tokens);

    /**
     * The complete prompt for one user message: the chat template when {@code chat}, and BOS when the model
     * wants it.
     */
    int[] encodePrompt(String text, boolean chat);

    /** Whether {@link #encodePrompt(String, boolean)} with chat=true can render this model's chat template. */
    boolean hasChatTemplate();

    /** A decoder with its own KV cache of at most maxContextTokens tokens, attending and budgeted as attention says. */
    Decoder newDecoder(QuestConfig attention, int maxContextTokens);

    /**
     * A continuous-batching generator decoding up to batchSize calls together, each with a context of at most
     * maxContextTokens, their KV caches within attention's memory budget together; null when this model cannot batch
     * (its rows then run one at a time).
     */
    default BatchGenerator newBatchGenerator(QuestConfig attention, int maxContextTokens, int batchSize) {
        return newBatchGenerator(attention, maxContextTokens, batchSize, DecoderSnapshots.NONE);
    }

    /**
     * {@link #newBatchGenerator(QuestConfig, int, int)} whose shared documents come from, and go to, snapshots (made
     * by {@link #snapshots(Path)}) when a call allows it.
     */
    default BatchGenerator newBatchGenerator(QuestConfig attention, int maxContextTokens, int batchSize,
                                             DecoderSnapshots snapshots) {
        return null;
    }

    /**
     * KV snapshots of this model's decoders in directory (created when the first one is saved). A model without
     * snapshot support has {@link DecoderSnapshots#NONE}: its documents are always prefilled.
     */
    default DecoderSnapshots snapshots(Path directory) {
        return DecoderSnapshots.NONE;
    }

    /**
     * The query vectors (after RoPE) of tokens placed at positions [position, position + tokens.length), the tokens
     * attending only to each other: a question's queries as if it followed position tokens of text.
     *
     * @throws UnsupportedOperationException when the model cannot give them
     */
    default QuestionQueries questionQueries(int[] tokens, int position) {
        throw new UnsupportedOperationException("model " + name() + " gives no query vectors; use router bm25");
    }
}
