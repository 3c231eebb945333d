package dev.questspark.jobs.eval.quality;

/** One summary of the summary set under one setting of one labelled run. */
public record SummaryRow(String label, String setting, String id, String source, String summary, String status,
                         int chunks, int modelCalls, SummaryMetrics metrics, double seconds) {
}
