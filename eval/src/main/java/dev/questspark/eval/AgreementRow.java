package dev.questspark.eval;

/**
 * How closely one attention setting follows dense greedy decoding on one prompt.
 *
 * @param generated      tokens of the dense greedy output (the teacher-forced sequence)
 * @param matchingPrefix tokens this setting's greedy choice agrees with dense before the first divergence (free-running
 *                       greedy decoding is identical up to that point)
 * @param meanKl         mean KL(dense || setting) of the next-token distributions along the dense output, in nats
 */
public record AgreementRow(String prompt, int generated, String attention, int budget, int pageSize, int matchingPrefix,
                           double meanKl, long tokensAttended, long kvBytesRead, long kvBytesDense) {
    public static final String CSV_HEADER = "prompt,generated,attention,budget,page_size,matching_prefix,prefix_fraction,mean_kl,"
            + "tokens_attended,kv_bytes_read,kv_bytes_dense";

    public double prefixFraction() {
        return generated == 0 ? 1.0 : (double) matchingPrefix / generated;
    }

    public String toCsv() {
        return Csv.quote(prompt) + "," + generated + "," + attention + "," + budget + "," + pageSize + "," + matchingPrefix + ","
                + prefixFraction() + "," + meanKl + "," + tokensAttended + "," + kvBytesRead + "," + kvBytesDense;
    }
}
