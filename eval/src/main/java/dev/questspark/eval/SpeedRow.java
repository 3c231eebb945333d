package dev.questspark.eval;

/**
 * Decode speed at one context, for our engine (dense or Quest) or llama.cpp.
 *
 * @param kvReadFraction KV bytes read over what dense attention reads, measured on the decode steps (1 for dense and
 *                       llama.cpp)
 */
public record SpeedRow(String engine, int threads, int context, String attention, int budget, int pageSize,
                       double prefillTokensPerSecond, double decodeTokensPerSecond, double decodeMsPerToken, double kvReadFraction) {
    public static final String OURS = "quest-spark";
    public static final String LLAMA_CPP = "llama.cpp";
    public static final String CSV_HEADER = "engine,threads,context,attention,budget,page_size,prefill_tokens_per_s,"
            + "decode_tokens_per_s,decode_ms_per_token,kv_read_fraction";

    public String toCsv() {
        return engine + "," + threads + "," + context + "," + attention + "," + budget + "," + pageSize + "," + prefillTokensPerSecond
                + "," + decodeTokensPerSecond + "," + decodeMsPerToken + "," + kvReadFraction;
    }
}
