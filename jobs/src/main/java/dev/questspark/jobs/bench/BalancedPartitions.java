package dev.questspark.jobs.bench;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

/**
 * Spreads rows over partitions by weight (heaviest first onto the lightest partition): a small bench corpus by
 * text length, so a documents/s comparison between partition counts measures cores, not how round-robin happened
 * to pair long and short documents; the chunks of the split qa by token count; the chunk calls of the split
 * summarize into tasks of shrinking weight that the slots take as they free up ({@link #guided}).
 */
public final class BalancedPartitions {
    private static final String BALANCE_ID = "__quest_balance_id";

    private BalancedPartitions() {
    }

    public static Dataset<Row> of(SparkSession spark, Dataset<Row> docs, String idCol, String textCol, int partitions) {
        return byWeight(spark, docs, col(idCol), length(col(textCol)), partitions);
    }

    /**
     * The rows spread over partitions by weight (an int column expression); id tells rows apart (a row whose
     * id is not unique goes where the last of its id was put). The row weights are collected on the driver.
     */
    public static Dataset<Row> byWeight(SparkSession spark, Dataset<Row> rows, Column id, Column weight, int partitions) {
        return place(spark, rows, id, assign(weights(rows, id, weight), partitions), partitions);
    }

    /** (id as a string, weight as an int) of every row, collected on the driver. */
    public static List<Row> weights(Dataset<Row> rows, Column id, Column weight) {
        return rows.select(id.cast("string"), weight.cast("int")).collectAsList();
    }

    /** The rows moved to the partitions of assignment (id as a string to partition; a missing id goes to 0). */
    public static Dataset<Row> place(SparkSession spark, Dataset<Row> rows, Column id, Map<String, Integer> assignment,
                                     int partitions) {
        Dataset<Row> withId = rows.withColumn(BALANCE_ID, id.cast("string"));
        int idIndex = withId.schema().fieldIndex(BALANCE_ID);
        JavaRDD<Row> rdd = withId.javaRDD()
                .keyBy(r -> assignment.getOrDefault(String.valueOf(r.get(idIndex)), 0))
                .partitionBy(new Fixed(partitions))
                .values();
        return spark.createDataFrame(rdd, withId.schema()).drop(BALANCE_ID);
    }

    /**
     * Tasks for a stage whose slots each take the next task as they free up (Spark launches a stage's tasks in
     * partition order): the rows heaviest first, cut into tasks of shrinking weight, each about the weight not yet
     * placed over twice the slots (guided self-scheduling). The heaviest work starts first and the stage ends on
     * small tasks, so the slots finish close together whatever their speeds, where one static partition per slot
     * leaves the faster slot idle for the slower one's excess. A row heavier than its share is a task of its own.
     * Returns id to task; the tasks are numbered from 0, the heaviest first.
     */
    public static Map<String, Integer> guided(List<Row> sizes, int slots) {
        List<Row> sorted = heaviestFirst(sizes);
        long remaining = 0;
        for (Row r : sorted) {
            remaining += weight(r);
        }
        Map<String, Integer> out = new HashMap<>();
        int task = -1;
        long share = 0;
        long filled = 0;
        for (Row r : sorted) {
            int w = weight(r);
            if (task < 0 || (filled > 0 && filled + w > share)) {
                task++;
                share = Math.max(w, (remaining + 2L * slots - 1) / (2L * slots));
                filled = 0;
            }
            filled += w;
            remaining -= w;
            out.put(String.valueOf(r.get(0)), task);
        }
        return out;
    }

    /** Tasks (partitions) an assignment uses: its largest index plus one, at least one. */
    public static int tasks(Map<String, Integer> assignment) {
        return assignment.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    static Map<String, Integer> assign(List<Row> sizes, int partitions) {
        List<Row> sorted = heaviestFirst(sizes);
        long[] load = new long[partitions];
        Map<String, Integer> out = new HashMap<>();
        for (Row r : sorted) {
            int lightest = 0;
            for (int p = 1; p < partitions; p++) {
                if (load[p] < load[lightest]) {
                    lightest = p;
                }
            }
            load[lightest] += weight(r);
            out.put(String.valueOf(r.get(0)), lightest);
        }
        return out;
    }

    private static List<Row> heaviestFirst(List<Row> sizes) {
        List<Row> sorted = new ArrayList<>(sizes);
        sorted.sort(Comparator.<Row>comparingInt(r -> -weight(r)).thenComparing(r -> String.valueOf(r.get(0))));
        return sorted;
    }

    private static int weight(Row r) {
        return r.isNullAt(1) ? 0 : r.getInt(1);
    }

    /** Partition = the key itself. */
    private static final class Fixed extends Partitioner {
        private final int partitions;

        Fixed(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }
}
