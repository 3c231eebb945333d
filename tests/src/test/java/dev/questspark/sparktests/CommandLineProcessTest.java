package dev.questspark.sparktests;

import dev.questspark.jobs.cli.QuestCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console of a failed job as a user sees it: the CLI's main class in its own JVM (a fresh Spark) with
 * conf/log4j2.properties, as bin/quest starts it. A failure is one line on stderr whatever Spark logged, the
 * stack trace is in the log file, and --json gives a JSON object with an error field.
 */
class CommandLineProcessTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, List<String> err, String log) {
        /** stderr lines that are not progress lines. */
        List<String> messages() {
            return err.stream().filter(l -> !l.contains(" documents")).toList();
        }
    }

    private Run quest(String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("quest.log");
        Path conf = Path.of("..", "conf", "log4j2.properties").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--enable-native-access") || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        // A JVM that starts Spark, fails one job and exits is mostly JIT work: the quick JIT tier and the serial GC
        // halve its CPU (20 to 10 s of user time) and change nothing it prints or logs.
        cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + conf,
                "-Dquest.log.file=" + log,
                "-cp", System.getProperty("java.class.path"), QuestCli.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/quest " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        String logText = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8), logText);
    }

    private Path corpus() {
        return TestData.lines(dir.resolve("corpus/a.txt"), List.of(TestData.STORY_A)).getParent();
    }

    @Test
    void aModelThatCannotLoadIsOneLineAndAJsonError() throws Exception {
        Path model = Files.write(dir.resolve("broken.gguf"), "GGUF and then nothing a model needs".getBytes(StandardCharsets.US_ASCII));
        Run r = quest("summarize", "--input", corpus().toString(), "--output", dir.resolve("out").toString(),
                "--model", model.toString(), "--master", "local[1]", "--json");
        assertEquals(1, r.code(), String.join("\n", r.err()));
        assertEquals(1, r.messages().size(), String.join("\n", r.err()));
        assertTrue(r.messages().get(0).startsWith("quest summarize: error: cannot load model " + model + ": "), r.messages().get(0));
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("{\"command\":\"summarize\",\"error\":\"cannot load model "), r.out());
        assertTrue(r.log().contains("ModelLoadException") && r.log().contains("\tat dev.questspark."), "trace in the log:\n" + r.log());
    }

    @Test
    void aFailedSparkTaskIsOneLineWithTheTraceInTheLog() throws Exception {
        Path model = Files.writeString(dir.resolve("fake.gguf"), "fake");
        Run r = quest("summarize", "--input", corpus().toString(), "--output", dir.resolve("out").toString(),
                "--model", model.toString(), "--master", "local[1]", "--chat", "off", "--max-tokens", "4",
                "--conf", "spark.quest.model-loader=" + FakeModelLoader.class.getName(),
                "--conf", "spark.quest.test.failOnceMarker=" + dir.resolve("marker"));
        assertEquals(1, r.code(), String.join("\n", r.err()));
        assertEquals(1, r.messages().size(), String.join("\n", r.err()));
        assertTrue(r.messages().get(0).startsWith("quest summarize: error: ") && r.messages().get(0).contains("injected failure"),
                r.messages().get(0));
        assertTrue(r.messages().get(0).endsWith("(details in " + dir.resolve("quest.log") + ")"), r.messages().get(0));
        assertTrue(r.log().contains("Lost task") && r.log().contains("\tat dev.questspark."), "Spark's report in the log:\n" + r.log());
    }
}
