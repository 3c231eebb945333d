package dev.questspark.sparktests;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * spark-testing-base's DataFrame equality assertions (schema and values, row by row in order) for JUnit 5 tests.
 * Only the assertions are used; the session comes from {@link SharedSpark}.
 */
final class DataFrameAssertions {
    private static final JavaDataFrameSuiteBase BASE = new JavaDataFrameSuiteBase();

    private DataFrameAssertions() {
    }

    static void assertDataFrameEquals(Dataset<Row> expected, Dataset<Row> actual) {
        BASE.assertDataFrameEquals(expected, actual);
    }

    static void assertDataFrameApproximateEquals(Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
        BASE.assertDataFrameApproximateEquals(expected, actual, tolerance);
    }
}
