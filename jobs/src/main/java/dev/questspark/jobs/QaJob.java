package dev.questspark.jobs;

import dev.questspark.jobs.cli.QuestCli;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.io.Inputs;
import dev.questspark.jobs.text.Tasks;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

/**
 * Documents and questions to answers: {@code bin/quest qa --documents PATH --questions PATH --output PATH}. One
 * output row per question. The questions of a document go to one task, in question order, so the document is
 * prefilled once and the KV cache is truncated back to it after each answer.
 */
public final class QaJob extends GenerationJob {
    private static final String DOC_TEXT = "__quest_doc_text";
    private static final String DOC_COUNT = "__quest_doc_count";
    private static final String DOC_ERROR = "__quest_doc_error";
    private static final String DOC_KEY = "__quest_doc_key";

    public static void main(String[] args) {
        QuestCli.main(QuestCli.prepend("qa", args));
    }

    @Override
    public String name() {
        return "qa";
    }

    @Override
    Generated generate(SparkSession spark, QuestSettings s) {
        String idCol = s.get("id-col");
        String textCol = s.get("text-col");
        String docIdCol = s.get("doc-id-col");
        String questionCol = s.get("question-col");
        String questionIdCol = s.get("question-id-col");
        String answerCol = s.get("output-col", "answer");
        Dataset<Row> docs = Inputs.documents(spark, s.get("documents"), s.get("input-format"), idCol, textCol)
                .groupBy(col(idCol).cast("string").as(DOC_KEY))
                .agg(max(col(textCol)).as(DOC_TEXT), count(lit(1)).as(DOC_COUNT), max(col(Inputs.INPUT_ERROR)).as(DOC_ERROR))
                // An ambiguous id or an unreadable document answers nothing (the reason is reported below), so no
                // text is given to the model.
                .withColumn(DOC_TEXT, when(col(DOC_COUNT).gt(1).or(col(DOC_ERROR).isNotNull()), lit(null).cast("string"))
                        .otherwise(col(DOC_TEXT)));
        Dataset<Row> questions = Inputs.table(spark, s.get("questions"), s.get("input-format"), docIdCol, questionCol);
        boolean hasQuestionId = Arrays.asList(questions.columns()).contains(questionIdCol);
        long rowsIn = questions.count();
        JobProgress.expect(spark, rowsIn);

        Dataset<Row> joined = questions.join(docs, col(docIdCol).cast("string").equalTo(col(DOC_KEY)), "left");
        Column order = hasQuestionId ? col(questionIdCol) : col(questionCol);
        QuestGenerator answerer = new QuestGenerator().applySettings(s).setTask(Tasks.ANSWER)
                .setInputCol(DOC_TEXT).setQuestionCol(questionCol).setOutputCol(answerCol);
        // With the quest router, long documents' chunks are prefilled across the partitions and ranked for each
        // question before the answer tasks (SplitQa); the answers are those one task would give.
        SplitQa split = s.get("router", "bm25").equals("quest")
                ? SplitQa.run(answerer, joined, DOC_KEY, DOC_TEXT, partitions(spark, s)) : null;
        if (split != null) {
            joined = split.rows();
            answerer.setChunkOrderCol(SplitQa.ORDER);
        }
        Dataset<Row> grouped = joined.repartition(partitions(spark, s), col(DOC_KEY))
                .sortWithinPartitions(col(DOC_KEY), order);
        Dataset<Row> answers = Outputs.withInputErrors(answerer.transform(grouped), problems(docIdCol));

        List<String> ids = new ArrayList<>(List.of(docIdCol));
        if (hasQuestionId) {
            ids.add(questionIdCol);
        }
        ids.add(questionCol);
        Dataset<Row> rows = answers.select(columns(ids, answerCol)).sortWithinPartitions(col(docIdCol), order);
        return new Generated(rows, rowsIn, split == null ? () -> { } : split::close);
    }

    @Override
    long documents(SparkSession spark, QuestSettings s, String output, long rowsOut) {
        return spark.read().parquet(output).filter(col(OutputColumns.STATUS).equalTo(RowResult.OK))
                .select(s.get("doc-id-col")).distinct().count();
    }

    @Override
    List<List<String>> sample(SparkSession spark, QuestSettings s, String output) {
        String docIdCol = s.get("doc-id-col");
        return Outputs.sample(spark, output, docIdCol, docIdCol, s.get("question-col"), OutputColumns.STATUS,
                s.get("output-col", "answer"));
    }

    /**
     * Why a question has no usable document: its own input line is bad, no document has its id, several do, or
     * the document's line could not be read (its reason is given).
     */
    private static Column problems(String docIdCol) {
        Column id = coalesce(col(docIdCol).cast("string"), lit("null"));
        return coalesce(col(Inputs.INPUT_ERROR),
                when(col(DOC_COUNT).isNull(), concat(lit("no document with id '"), id, lit("' in the documents input"))),
                when(col(DOC_COUNT).gt(1), concat(lit("document id '"), id, lit("' appears "),
                        col(DOC_COUNT).cast("string"), lit(" times in the documents input"))),
                when(col(DOC_ERROR).isNotNull(), concat(lit("document '"), id, lit("' could not be read: "), col(DOC_ERROR))));
    }
}
