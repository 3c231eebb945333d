package dev.questspark.jobs;

import dev.questspark.jobs.cli.QuestCli;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.io.Inputs;
import dev.questspark.jobs.text.Tasks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/**
 * Documents to summaries: {@code bin/quest summarize --input PATH --output PATH}, or with spark-submit
 * {@code --class dev.questspark.jobs.SummarizeJob app.jar --input PATH --output PATH}. One output row per input
 * row: id, summary, status, error and the statistics columns. Documents longer than the context are summarized
 * chunk by chunk across the partitions ({@link SplitSummaries}).
 */
public final class SummarizeJob extends GenerationJob {
    public static void main(String[] args) {
        QuestCli.main(QuestCli.prepend("summarize", args));
    }

    @Override
    public String name() {
        return "summarize";
    }

    @Override
    Generated generate(SparkSession spark, QuestSettings s) {
        String idCol = s.get("id-col");
        String outputCol = s.get("output-col", "summary");
        Dataset<Row> docs = Inputs.documents(spark, s.get("input"), s.get("input-format"), idCol, s.get("text-col"));
        long rowsIn = docs.count();
        JobProgress.expect(spark, rowsIn);
        QuestGenerator summarizer = new QuestGenerator().applySettings(s)
                .setTask(Tasks.SUMMARIZE).setInputCol(s.get("text-col")).setOutputCol(outputCol);
        // A long document's chunks are spread over the partitions (SplitSummaries), not one task's work.
        SplitSummaries summaries = SplitSummaries.run(summarizer, docs, partitions(spark, s));
        try {
            Dataset<Row> rows = Outputs.withInputErrors(summaries.rows(), Outputs.inputError())
                    .select(columns(List.of(idCol), outputCol)).sortWithinPartitions(idCol);
            return new Generated(rows, rowsIn, summaries::close);
        } catch (RuntimeException e) {
            summaries.close();
            throw e;
        }
    }

    @Override
    long documents(SparkSession spark, QuestSettings s, String output, long rowsOut) {
        return rowsOut;
    }

    @Override
    List<List<String>> sample(SparkSession spark, QuestSettings s, String output) {
        String idCol = s.get("id-col");
        return Outputs.sample(spark, output, idCol, idCol, OutputColumns.STATUS, s.get("output-col", "summary"));
    }
}
