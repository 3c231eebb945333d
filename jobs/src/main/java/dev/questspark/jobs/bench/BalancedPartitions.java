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
 * to pair long and short documents; the chunk calls of the split summarize by token count.
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
        Dataset<Row> withId = rows.withColumn(BALANCE_ID, id.cast("string"));
        List<Row> sizes = withId.select(col(BALANCE_ID), weight.cast("int")).collectAsList();
        Map<String, Integer> assignment = assign(sizes, partitions);
        int idIndex = withId.schema().fieldIndex(BALANCE_ID);
        JavaRDD<Row> rdd = withId.javaRDD()
                .keyBy(r -> assignment.getOrDefault(String.valueOf(r.get(idIndex)), 0))
                .partitionBy(new Fixed(partitions))
                .values();
        return spark.createDataFrame(rdd, withId.schema()).drop(BALANCE_ID);
    }

    static Map<String, Integer> assign(List<Row> sizes, int partitions) {
        List<Row> sorted = new ArrayList<>(sizes);
        sorted.sort(Comparator.<Row>comparingInt(r -> r.isNullAt(1) ? 0 : -r.getInt(1))
                .thenComparing(r -> String.valueOf(r.get(0))));
        long[] load = new long[partitions];
        Map<String, Integer> out = new HashMap<>();
        for (Row r : sorted) {
            int lightest = 0;
            for (int p = 1; p < partitions; p++) {
                if (load[p] < load[lightest]) {
                    lightest = p;
                }
            }
            load[lightest] += r.isNullAt(1) ? 0 : r.getInt(1);
            out.put(String.valueOf(r.get(0)), lightest);
        }
        return out;
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
