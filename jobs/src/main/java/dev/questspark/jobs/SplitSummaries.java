package dev.questspark.jobs;

import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.bench.BalancedPartitions;
import dev.questspark.jobs.model.DistributedModelFile;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.ModelPreflight;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.questspark.jobs.ChunkRows.CALL;
import static dev.questspark.jobs.ChunkRows.INDEX;
import static dev.questspark.jobs.ChunkRows.KEY;
import static dev.questspark.jobs.ChunkRows.LAST;
import static dev.questspark.jobs.ChunkRows.LEVEL;
import static dev.questspark.jobs.ChunkRows.TEXT;
import static dev.questspark.jobs.ChunkRows.TOKENS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Summaries with a long document's chunks spread over the cluster, the same map-reduce as
 * {@link QuestGenerator}'s summarize task (same chunks, same call seeds, so the same greedy output), in stages:
 * <ol>
 * <li>plan: every document becomes its level-0 calls, one per token chunk (one for a document that fits the
 * context, which then needs no other stage), each a row with its document key and chunk index;</li>
 * <li>call: each makes its model call; the rows are cut into tasks by the tokens they process, heaviest first
 * and in tasks of shrinking weight ({@link BalancedPartitions#guided}), so the slots take the long documents'
 * chunks first and finish together on the small calls; the rows of a task are in document and chunk order, so
 * one document's chunks can feed one batched decoder;</li>
 * <li>next: the calls of a level are grouped by document in chunk order and their summaries joined into the
 * next level's calls (recursively, the same rule as one task) until each document has its last call.</li>
 * </ol>
 * Each document's calls are then summed into its row: the statistics count every call wherever it ran, and the
 * first failed call (in the one-task order) makes the row an error with that call's reason. One output row per
 * input row, with the columns of {@link QuestGenerator#transformSchema}.
 */
final class SplitSummaries extends PersistedStages {
    private static final Logger LOG = LoggerFactory.getLogger(SplitSummaries.class);

    private final Dataset<Row> rows;

    private SplitSummaries(QuestGenerator generator, Dataset<Row> docs, int partitions) {
        generator.transformSchema(docs.schema());
        SparkSession spark = docs.sparkSession();
        ChunkStages.Model model = model(generator, spark.sparkContext());
        String textCol = generator.getInputCol();
        // Keys fixed once: persisted, so a recomputed partition cannot renumber documents.
        Dataset<Row> keyed = persist(docs.withColumn(KEY, monotonically_increasing_id()));
        Dataset<Row> work = keyed.select(col(KEY), col(textCol), QuestGenerator.invalidBytes(col(textCol)))
                .mapPartitions(new ChunkStages.Plan(model), Encoders.row(ChunkRows.WORK));
        String failOnce = spark.conf().get(FailOnce.KEY, "");
        int maxTokens = generator.getMaxNewTokens();
        ChunkStages.Counters counters = ChunkStages.Counters.of(spark.sparkContext());
        List<Dataset<Row>> results = new ArrayList<>();
        Column id = concat_ws("/", col(KEY), col(LEVEL), col(INDEX));
        // A call weighs the tokens it processes: its chunk's prompt part and the tokens it may generate.
        Column weight = size(col(TOKENS)).plus(maxTokens);
        String ran = null;
        for (int level = 0; ; level++) {
            Dataset<Row> calls = persist(work);
            // One job per level: it runs the previous level's calls and this level's next step, and collects the
            // weights that place this level's calls (no separate count, so no extra job between the levels).
            List<Row> weights = BalancedPartitions.weights(calls, id, weight);
            if (ran != null) {
                // logged once the level's calls have run (a failed call fails the job with its own message first)
                LOG.info(ran);
            }
            if (weights.isEmpty() && level > 0) {
                break;
            }
            Map<String, Integer> tasks = BalancedPartitions.guided(weights, partitions);
            ran = String.format("summarize level %d: %d calls in %d tasks", level, weights.size(),
                    BalancedPartitions.tasks(tasks));
            Dataset<Row> done = persist(BalancedPartitions.place(spark, calls, id, tasks, BalancedPartitions.tasks(tasks))
                    .sortWithinPartitions(col(KEY), col(INDEX))
                    .mapPartitions(new ChunkStages.Call(model, failOnce, counters), Encoders.row(ChunkRows.RESULT)));
            results.add(done);
            work = done.filter(not(col(LAST))).repartition(partitions, col(KEY)).sortWithinPartitions(col(KEY), col(INDEX))
                    .mapPartitions(new ChunkStages.Next(model), Encoders.row(ChunkRows.WORK));
        }
        Dataset<Row> all = results.stream().reduce(Dataset::union).orElseThrow();
        rows = keyed.join(perDocument(all), KEY).select(outputColumns(keyed, docs.columns(), generator.getOutputCol()));
    }

    /** Runs the stages up to the last calls; {@link #rows()} is valid until this is closed. */
    static SplitSummaries run(QuestGenerator generator, Dataset<Row> docs, int partitions) {
        return new SplitSummaries(generator, docs, partitions);
    }

    /** One row per input row: its columns, the summary, the statistics. */
    Dataset<Row> rows() {
        return rows;
    }

    static ChunkStages.Model model(QuestGenerator generator, SparkContext sc) {
        ModelLocation location = new ModelLocation(generator.getModelPath());
        Configuration hadoop = sc.hadoopConfiguration();
        // The model is validated on the driver first: a file that cannot load fails here, before any task starts.
        ModelPreflight.validate(generator.getModelLoader(), DistributedModelFile.driverFile(location, hadoop));
        Broadcast<SerializableConfiguration> conf = location.isLocal() ? null : SerializableConfiguration.broadcast(sc, hadoop);
        return new ChunkStages.Model(generator.settings(sc), conf);
    }

    /** Each document's calls summed; the first failed call (by call number) names the error. */
    private static Dataset<Row> perDocument(Dataset<Row> all) {
        Column failed = col(OutputColumns.STATUS).notEqual(lit(RowResult.OK));
        Column error = min_by(col(OutputColumns.ERROR), when(failed, col(CALL)));
        Column summary = max_by(col(TEXT), when(col(LAST).and(not(failed)), col(CALL)));
        Column lastReason = max_by(col(OutputColumns.FINISH_REASON), when(col(OutputColumns.MODEL_CALLS).gt(0), col(CALL)));
        return all.groupBy(col(KEY)).agg(error.as(OutputColumns.ERROR), summary.as(TEXT),
                        total(OutputColumns.PROMPT_TOKENS), total(OutputColumns.CACHED_TOKENS),
                        total(OutputColumns.GENERATED_TOKENS), max(OutputColumns.CHUNKS).as(OutputColumns.CHUNKS),
                        max(OutputColumns.CHUNKS_TOTAL).as(OutputColumns.CHUNKS_TOTAL), total(OutputColumns.MODEL_CALLS),
                        sum(OutputColumns.PREFILL_MS).as(OutputColumns.PREFILL_MS),
                        sum(OutputColumns.DECODE_MS).as(OutputColumns.DECODE_MS), lastReason.as(OutputColumns.FINISH_REASON),
                        max(OutputColumns.ATTENTION).as(OutputColumns.ATTENTION),
                        max(OutputColumns.TOKEN_BUDGET).as(OutputColumns.TOKEN_BUDGET),
                        sum(OutputColumns.PAGES_SELECTED).as(OutputColumns.PAGES_SELECTED),
                        sum(OutputColumns.KV_BYTES_READ).as(OutputColumns.KV_BYTES_READ),
                        sum(OutputColumns.KV_BYTES_DENSE).as(OutputColumns.KV_BYTES_DENSE),
                        max(OutputColumns.NOTE).as(OutputColumns.NOTE))
                .withColumn(OutputColumns.STATUS, when(col(OutputColumns.ERROR).isNull(), lit(RowResult.OK))
                        .otherwise(lit(RowResult.ERROR)))
                .withColumn(TEXT, when(col(OutputColumns.ERROR).isNull(), col(TEXT)));
    }

    private static Column total(String column) {
        return sum(column).cast("int").as(column);
    }

    private static Column[] outputColumns(Dataset<Row> keyed, String[] inputColumns, String outputCol) {
        List<Column> cols = new ArrayList<>();
        for (String c : inputColumns) {
            cols.add(keyed.col(c));
        }
        cols.add(col(TEXT).as(outputCol));
        for (StructField f : OutputColumns.statistics()) {
            cols.add(col(f.name()));
        }
        return cols.toArray(new Column[0]);
    }
}
