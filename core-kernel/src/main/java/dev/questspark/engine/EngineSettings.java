package dev.questspark.engine;

/** Engine settings read once from system properties, with their defaults. */
final class EngineSettings {
    /** Tokens per prefill block: larger blocks reuse each weight block across more tokens. */
    private static final int PREFILL_BLOCK = Integer.getInteger("quest.prefill.block", 128);

    /** Whether a batch's prompts copy the KV entries of a prefix another of its contexts holds (see BatchDecoder). */
    private static final boolean SHARE_PREFIXES = Boolean.parseBoolean(System.getProperty("quest.batch.share-prefixes", "true"));

    private EngineSettings() {}

    static boolean sharePrefixes() {
        return SHARE_PREFIXES;
    }

    static int prefillBlock() {
        if (PREFILL_BLOCK < 1) {
            throw new IllegalArgumentException("quest.prefill.block must be at least 1, got " + PREFILL_BLOCK);
        }
        return PREFILL_BLOCK;
    }
}
