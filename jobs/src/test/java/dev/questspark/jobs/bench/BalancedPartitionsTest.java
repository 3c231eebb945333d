package dev.questspark.jobs.bench;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
