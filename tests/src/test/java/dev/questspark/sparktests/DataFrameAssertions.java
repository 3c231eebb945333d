package dev.questspark.sparktests;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider$;
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
        useSessionOf(actual);
        BASE.assertDataFrameEquals(expected, actual);
    }

    static void assertDataFrameApproximateEquals(Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
        useSessionOf(actual);
        BASE.assertDataFrameApproximateEquals(expected, actual, tolerance);
    }

    /**
     * The base reports unequal rows through its own session, which its JUnit 4 set-up would create; without it a
     * mismatch surfaced as a NullPointerException instead of the rows that differ.
     */
    private static void useSessionOf(Dataset<Row> df) {
        SparkSessionProvider$.MODULE$._sparkSession_$eq(df.sparkSession());
    }
}
