package dev.questspark.sparktests;

import dev.questspark.jobs.OutputColumns;
import dev.questspark.jobs.QaJob;
import dev.questspark.jobs.SummarizeJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/**
 * The summarize and qa jobs on the real stories260K with Quest selecting pages (a 64-token budget in pages of 16,
 * one dense layer, so page selection is part of what must repeat), for tests that compare runs: each returns its
 * output rows without the wall-clock columns, in id order.
 */
final class StoriesJobs {
    private static final String[] QUEST = {"attention", "quest", "token-budget", "64", "page-size", "16", "dense-layers", "1"};

    private StoriesJobs() {
    }

    /** Summaries of the documents of corpus written to output, with settings (name, value, ...) over the above. */
    static Dataset<Row> summarize(SparkSession spark, Path corpus, Path output, String... settings) {
        new SummarizeJob().run(spark, JobSettings.stories(QUEST).with(JobSettings.pairs(settings))
                .with(JobSettings.pairs("input", corpus.toString(), "output", output.toString())));
        return withoutTimings(spark.read().parquet(output.toString())).orderBy("id");
    }

    /** Answers to questions about docs written to output, with settings (name, value, ...) over the above. */
    static Dataset<Row> answer(SparkSession spark, Path docs, Path questions, Path output, String... settings) {
        new QaJob().run(spark, JobSettings.stories(QUEST).with(JobSettings.pairs(settings)).with(JobSettings.pairs(
                "documents", docs.toString(), "questions", questions.toString(), "output", output.toString())));
        return withoutTimings(spark.read().parquet(output.toString())).orderBy("question_id");
    }

    /** Everything but the wall-clock columns. */
    static Dataset<Row> withoutTimings(Dataset<Row> df) {
        return df.drop(OutputColumns.TIMING.toArray(new String[0]));
    }
}
