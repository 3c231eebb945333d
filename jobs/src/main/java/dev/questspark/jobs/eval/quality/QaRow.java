package dev.questspark.jobs.eval.quality;

/** One answered question of the QA set under one setting of one labelled run. */
public record QaRow(String label, String setting, String id, String source, String question, String answer,
                    String status, boolean exact, boolean contains, int promptTokens, int chunks, int chunksTotal,
                    double seconds) {
}
