package dev.questspark.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;

/**
 * Stages of a split job whose intermediate datasets are persisted (memory and disk), so a later stage never runs a
 * model call or a key assignment twice, and released together when the job's output is written.
 */
abstract class PersistedStages implements AutoCloseable {
    private final List<Dataset<Row>> persisted = new ArrayList<>();

    final Dataset<Row> persist(Dataset<Row> d) {
        Dataset<Row> p = d.persist(StorageLevel.MEMORY_AND_DISK());
        persisted.add(p);
        return p;
    }

    @Override
    public void close() {
        persisted.forEach(Dataset::unpersist);
    }
}
