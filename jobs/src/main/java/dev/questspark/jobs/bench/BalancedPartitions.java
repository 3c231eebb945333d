package dev.questspark.jobs.bench;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
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
 * Spreads a small corpus over partitions by text length (longest first onto the lightest partition), so a
 * documents/s comparison between partition counts measures cores, not how round-robin happened to pair long and
 * short documents.
 */
public final class BalancedPartitions {
    private BalancedPartitions() {
    }

    public static Dataset<Row> of(SparkSession spark, Dataset<Row> docs, String idCol, String textCol, int partitions) {
        List<Row> sizes = docs.select(col(idCol).cast("string"), length(col(textCol))).collectAsList();
        Map<String, Integer> assignment = assign(sizes, partitions);
        int idIndex = docs.schema().fieldIndex(idCol);
        JavaRDD<Row> rdd = docs.javaRDD()
                .keyBy(r -> assignment.getOrDefault(String.valueOf(r.get(idIndex)), 0))
                .partitionBy(new Fixed(partitions))
                .values();
        return spark.createDataFrame(rdd, docs.schema());
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
