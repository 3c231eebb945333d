package dev.questspark.eval;

/**
 * Perplexity of one text under one attention setting, every token through the decode path.
 *
 * @param predicted tokens scored (all but the first)
 * @param meanNll   mean negative log-likelihood in nats per predicted token
 * @param budget    the token budget (0 for dense; for an adaptive budget, its ceiling)
 */
public record PerplexityRow(String text, int predicted, String attention, int budget, int pageSize, double meanNll,
                            long steps, long tokensAttended, long kvBytesRead, long kvBytesDense) {
    public static final String CSV_HEADER = "text,predicted_tokens,attention,budget,page_size,mean_nll,perplexity,steps,tokens_attended,"
            + "kv_bytes_read,kv_bytes_dense";

    public double perplexity() {
        return Math.exp(meanNll);
    }

    public String toCsv() {
        return Csv.quote(text) + "," + predicted + "," + attention + "," + budget + "," + pageSize + "," + meanNll + ","
                + perplexity() + "," + steps + "," + tokensAttended + "," + kvBytesRead + "," + kvBytesDense;
    }
}
