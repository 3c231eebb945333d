package dev.questspark.engine;

/**
 * A document that several sequences of one {@link BatchDecoder} continue (questions over it, several samples). The
 * decoder prefills it once, on the first request that needs it, into a KV cache of its own; every sequence then forks
 * that cache ({@link dev.questspark.quest.PagedKvCache#fork}): it reads the document's pages in place, read-only, and
 * stores only its own tokens. A sequence continuing a document decodes exactly as a lone session that prefilled the
 * document and then the sequence's prompt. Close the document when no more requests will use it: its memory returns to
 * the budget once the requests already submitted have finished.
 */
public final class SharedDocument implements AutoCloseable {
    private final BatchDecoder owner;
    private final int[] tokens;
    private final DocumentStore store; // nullable: always prefilled
    // guarded by the owner's lock
    int uses;        // requests submitted and not finished
    boolean closed;
    // driver thread only
    DecoderSession prefilled; // the document's own session, null until first needed and after it is freed
    float[] logits;           // (vocab) next-token logits after the document

    SharedDocument(BatchDecoder owner, int[] tokens, DocumentStore store) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a shared document needs at least one token");
        }
        this.owner = owner;
        this.tokens = tokens.clone();
        this.store = store;
    }

    /** Tokens of the document. */
    public int length() {
        return tokens.length;
    }

    int[] tokens() {
        return tokens;
    }

    DocumentStore store() {
        return store;
    }

    BatchDecoder owner() {
        return owner;
    }

    /** No more requests will use the document; its KV cache is freed once the submitted ones finish. */
    @Override
    public void close() {
        owner.closeDocument(this);
    }
}
