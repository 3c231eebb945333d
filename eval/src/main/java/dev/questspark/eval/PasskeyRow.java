package dev.questspark.eval;

/**
 * One passkey answer: a (length, depth, trial) cell decoded under one attention setting. Attention counters cover
 * the answer's decode steps (the prefill is dense for every setting); steps counts attention calls (layers x tokens).
 * Adaptive budgets report attention {@code adaptive-f<fraction>} and the budget they used at this length.
 */
public record PasskeyRow(int length, double depth, int trial, String attention, int budget, int pageSize, boolean correct,
                         String key, String answer, long steps, long tokensAttended, long kvBytesRead, long kvBytesDense) {
    public static final String CSV_HEADER = "length,depth,trial,attention,budget,page_size,correct,key,answer,steps,tokens_attended,"
            + "kv_bytes_read,kv_bytes_dense";

    public String toCsv() {
        return length + "," + depth + "," + trial + "," + attention + "," + budget + "," + pageSize + "," + correct + "," + key
                + "," + Csv.quote(answer) + "," + steps + "," + tokensAttended + "," + kvBytesRead + "," + kvBytesDense;
    }
}
