package dev.questspark.engine;

/** Engine settings read once from system properties, with their defaults. */
final class EngineSettings {
    /** Tokens per prefill block: larger blocks reuse each weight block across more tokens. */
    private static final int PREFILL_BLOCK = Integer.getInteger("quest.prefill.block", 128);

    private EngineSettings() {}

    static int prefillBlock() {
        if (PREFILL_BLOCK < 1) {
            throw new IllegalArgumentException("quest.prefill.block must be at least 1, got " + PREFILL_BLOCK);
        }
        return PREFILL_BLOCK;
    }
}
