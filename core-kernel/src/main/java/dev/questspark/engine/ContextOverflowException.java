package dev.questspark.engine;

/** A prompt that does not fit in the session's context. Callers that can, chunk the document instead. */
public final class ContextOverflowException extends IllegalArgumentException {
    private final int needed;
    private final int capacity;

    public ContextOverflowException(int length, int adding, int capacity) {
        super("the context holds " + capacity + " tokens: " + length + " in use plus " + adding
                + " new do not fit; split the input into chunks or open the session with a larger context");
        this.needed = length + adding;
        this.capacity = capacity;
    }

    public int needed() {
        return needed;
    }

    public int capacity() {
        return capacity;
    }
}
