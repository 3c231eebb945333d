package dev.questspark.jobs;

import dev.questspark.jobs.cli.QuestCli;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.io.Inputs;
import dev.questspark.jobs.text.Tasks;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Documents to summaries: {@code bin/quest summarize --input PATH --output PATH}, or with spark-submit
 * {@code --class dev.questspark.jobs.SummarizeJob app.jar --input PATH --output PATH}. One output row per input
 * row: id, summary, status, error and the statistics columns. Documents longer than the context are summarized
 * chunk by chunk across the partitions ({@link SplitSummaries}).
 */
public final class SummarizeJob implements SparkJob {
    public static void main(String[] args) {
        QuestCli.main(QuestCli.prepend("summarize", args));
    }

    @Override
    public String name() {
        return "summarize";
    }

    @Override
    public JobReport run(SparkSession spark, QuestSettings s) {
        String input = s.get("input");
        String output = s.get("output");
        String idCol = s.get("id-col");
        String textCol = s.get("text-col");
        String outputCol = s.get("output-col", "summary");
        boolean overwrite = s.getBoolean("overwrite");
        Outputs.checkWritable(spark, output, overwrite);
        long t0 = System.nanoTime();

        Dataset<Row> docs = Inputs.documents(spark, input, s.get("input-format"), idCol, textCol);
        long rowsIn = docs.count();
        JobProgress.expect(spark, rowsIn);
        QuestGenerator summarizer = new QuestGenerator().applySettings(s)
                .setTask(Tasks.SUMMARIZE).setInputCol(textCol).setOutputCol(outputCol);
        // A long document's chunks are spread over the partitions (SplitSummaries), not one task's work.
        try (SplitSummaries summaries = SplitSummaries.run(summarizer, docs, partitions(spark, s))) {
            Dataset<Row> rows = Outputs.withInputErrors(summaries.rows(), Outputs.inputError())
                    .select(columns(idCol, outputCol)).sortWithinPartitions(idCol);
            Outputs.write(rows, output, overwrite);
        }

        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] counts = Outputs.rowsErrorsTokens(spark, output);
        return new JobReport(name(), output, rowsIn, counts[0], counts[1], counts[0], counts[2], seconds,
                Outputs.sample(spark, output, idCol, idCol, OutputColumns.STATUS, outputCol), List.of());
    }

    static int partitions(SparkSession spark, QuestSettings s) {
        int p = s.getInt("partitions");
        return p > 0 ? p : spark.sparkContext().defaultParallelism();
    }

    /** The id columns, the generated text, then the statistics. */
    static Column[] columns(List<String> ids, String outputCol) {
        List<Column> cols = new ArrayList<>();
        ids.forEach(c -> cols.add(col(c)));
        cols.add(col(outputCol));
        OutputColumns.statisticsNames().forEach(c -> cols.add(col(c)));
        return cols.toArray(new Column[0]);
    }

    private static Column[] columns(String idCol, String outputCol) {
        return columns(List.of(idCol), outputCol);
    }
}
