package dev.questspark.sparktests;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JUnit 5 extension that gives tests ONE SparkSession per test JVM (Spark allows one SparkContext per JVM, and
 * starting one takes seconds): local[2,2] (two cores; a failed task is retried once, which the injected-failure
 * test needs, since plain local[2] never retries). Stopped when the whole run ends. Each test class gets a session
 * of its own on that SparkContext ({@link SparkSession#newSession()}): the conf a class sets (spark.quest settings,
 * the injected-failure marker) reaches its own jobs only, since two test classes run at once (tests/pom.xml); a
 * class that listens to the shared SparkContext's tasks is {@code @Isolated}.
 */
public final class SharedSpark implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSpark.class);

    /** Closed by JUnit at the end of the run because it is AutoCloseable and held in the root store. */
    private record Session(SparkSession spark) implements AutoCloseable {
        @Override
        public void close() {
            spark.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        SparkSession shared = store.getOrComputeIfAbsent("spark", k -> new Session(start()), Session.class).spark();
        return store.getOrComputeIfAbsent(context.getRequiredTestClass(), k -> shared.newSession(), SparkSession.class);
    }

    private static SparkSession start() {
        try {
            Path warehouse = Files.createTempDirectory("quest-spark-warehouse");
            return SparkSession.builder()
                    .master("local[2,2]")
                    .appName("quest-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.sql.codegen.wholeStage", "false")
                    // Expressions evaluated by Spark's interpreter instead of Janino-compiled classes: each test runs
                    // many small jobs on a few rows, where compiling every projection costs more than it saves.
                    .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                    .config("spark.sql.adaptive.enabled", "false")
                    .config("spark.sql.warehouse.dir", warehouse.toString())
                    .getOrCreate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
