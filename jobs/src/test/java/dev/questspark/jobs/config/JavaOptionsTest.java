package dev.questspark.jobs.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/java-options is the one list of JVM options; the spark-submit example repeats it exactly. */
class JavaOptionsTest {
    private static final Path CONF = Path.of("..", "conf");

    static List<String> javaOptions() throws IOException {
        return Files.readAllLines(CONF.resolve("java-options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void theSparkDefaultsExampleRepeatsTheList() throws IOException {
        List<String> options = javaOptions();
        assertTrue(options.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), "Arrow's memory access");
        int found = 0;
        for (String line : Files.readAllLines(CONF.resolve("spark-defaults.conf.example"))) {
            if (line.startsWith("spark.driver.extraJavaOptions") || line.startsWith("spark.executor.extraJavaOptions")) {
                List<String> example = Arrays.asList(line.strip().split("\\s+"));
                assertEquals(options, example.subList(1, example.size()), line.split("\\s+")[0]);
                found++;
            }
        }
        assertEquals(2, found, "driver and executor options in the example");
    }

    @Test
    void thisTestJvmRunsWithThem() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.contains("--add-opens=java.base/java.nio=ALL-UNNAMED") || args.stream().anyMatch(a -> a.contains("java-options")),
                "the test fork got conf/java-options: " + args);
        assertEquals("false", System.getProperty("io.netty.noUnsafe"), "the Maven fork reads conf/java-options");
    }
}
