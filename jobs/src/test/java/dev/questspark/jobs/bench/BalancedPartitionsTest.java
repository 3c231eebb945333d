package dev.questspark.jobs.bench;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalancedPartitionsTest {
    @Test
    void longestDocumentsGoToTheLightestPartition() {
        List<Row> sizes = List.of(RowFactory.create("gpl", 35_000), RowFactory.create("newton", 28_000),
                RowFactory.create("ads", 3_800), RowFactory.create("lincoln", 1_500));
        Map<String, Integer> a = BalancedPartitions.assign(sizes, 2);
        assertEquals(0, a.get("gpl"));
        assertEquals(1, a.get("newton"));
        assertEquals(1, a.get("ads"), "35000 vs 28000: the second partition is lighter");
        assertEquals(1, a.get("lincoln"));
        assertEquals(Map.of("gpl", 0, "newton", 0, "ads", 0, "lincoln", 0), BalancedPartitions.assign(sizes, 1));
    }

    @Test
    void guidedTasksTakeTheHeaviestFirstAndShrinkToSingleCalls() {
        List<Row> sizes = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sizes.add(RowFactory.create(String.format("long/%02d", i), 1040));
        }
        for (int i = 0; i < 6; i++) {
            sizes.add(RowFactory.create("short-" + i, 272));
        }
        Map<String, Integer> a = BalancedPartitions.guided(sizes, 2);
        int tasks = BalancedPartitions.tasks(a);
        long[] load = new long[tasks];
        for (Row r : sizes) {
            load[a.get(r.getString(0))] += r.getInt(1);
        }
        // each task about a quarter of what is left: 10, 7, 6, 4, 3, 2, 2 chunks, then the rest one by one
        assertEquals(10 * 1040, load[0]);
        assertEquals(19, tasks);
        for (int t = 1; t < tasks; t++) {
            assertTrue(load[t] <= load[t - 1], "task " + t + " is no heavier than the one before: " + java.util.Arrays.toString(load));
        }
        assertEquals(272, load[tasks - 1], "the stage ends on one short call");
        assertTrue(a.get("long/00") < a.get("short-0"), "the long document's chunks start first");
        assertEquals(Map.of("x", 0), BalancedPartitions.guided(List.of(RowFactory.create("x", 5)), 2));
        assertEquals(Map.of(), BalancedPartitions.guided(List.of(), 2));
        assertEquals(1, BalancedPartitions.tasks(Map.of()));
    }
}
