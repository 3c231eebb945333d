package dev.questspark.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's contract: --help everywhere, one-line errors, non-zero exits. No Spark or model needed. */
class QuestCliTest {
    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuestCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpOfEveryCommandListsEveryFlagWithItsDefault() {
        for (String command : new String[]{"generate", "summarize", "qa", "bench", "bench-attention"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.code(), command);
            long flagLines = r.out().lines().filter(l -> l.startsWith("  --")).count();
            long withDefault = r.out().lines().filter(l -> l.startsWith("  --")
                    && (l.contains("(default: ") || l.endsWith("(required)"))).count();
            assertEquals(flagLines - 1, withDefault, command + ": every flag but --help shows a default\n" + r.out());
            assertTrue(r.out().contains("--token-budget N"), command);
            assertTrue(command.equals("bench-attention") || r.out().contains("--sink-pages N"), command);
            assertTrue(command.equals("bench-attention") || r.out().contains("--token-budget-fraction F"), command);
            assertTrue(command.equals("bench-attention") || r.out().contains("--kv-memory-budget BYTES"), command);
            assertTrue(command.equals("bench-attention") || r.out().contains("(default: 4g)"), command);
            assertTrue(r.out().contains("--json"), command);
        }
        assertTrue(run("qa", "--help").out().contains("--questions PATH"));
        assertTrue(run("qa", "--help").out().contains("--qa-chunk-tokens N"));
        assertFalse(run("summarize", "--help").out().contains("--qa-chunk-tokens"), "a setting of the qa job only");
    }

    @Test
    void wrongUsageIsOneLineOnStderrWithExitCode2() {
        for (String[] args : new String[][]{{}, {"nonsense"}, {"summarize", "--bogus", "1"}, {"summarize", "--output", "x"},
                {"qa", "--documents", "/no/such/file", "--questions", "/no/such/q", "--output", "/tmp/x"}}) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args));
            if (args.length > 0) {
                assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            }
            assertEquals("", r.out());
        }
    }

    @Test
    void missingModelIsOneLineWithExitCode1() {
        Result r = run("generate", "--prompt", "hi", "--model", "/no/such/model.gguf");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count());
        assertTrue(r.err().contains("model file not found: /no/such/model.gguf"), r.err());
    }

    @Test
    void anExistingOutputIsRefusedBeforeSparkStartsAndAnIncompleteRunIsNamed(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("doc.txt"), "text");
        Path incomplete = Files.createDirectories(dir.resolve("incomplete"));
        Files.writeString(incomplete.resolve("part-00000.parquet"), "half");
        Result r = run("summarize", "--input", input.toString(), "--output", incomplete.toString(), "--json");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("output " + incomplete + " already exists and has no _SUCCESS: an incomplete earlier run"),
                r.err());
        assertTrue(r.out().startsWith("{\"command\":\"summarize\",\"error\":\"output "), r.out());
        assertTrue(r.out().contains("\"exit_code\":2"), r.out());

        Path complete = Files.createDirectories(dir.resolve("complete"));
        Files.writeString(complete.resolve("_SUCCESS"), "");
        Result c = run("summarize", "--input", input.toString(), "--output", complete.toString());
        assertEquals(2, c.code());
        assertTrue(c.err().contains("already exists (a complete earlier run); pass --overwrite"), c.err());
    }

    @Test
    void aFailureWithJsonIsAJsonObjectWithAnErrorField() {
        Result r = run("generate", "--prompt", "hi", "--model", "/no/such/model.gguf", "--json");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("{\"command\":\"generate\",\"error\":\"model file not found: /no/such/model.gguf"), r.out());
        assertTrue(r.out().contains("\"exit_code\":1"), r.out());
        Result usage = run("summarize", "--bogus", "--json");
        assertEquals(2, usage.code());
        assertTrue(usage.out().contains("\"error\":\"unknown flag --bogus"), usage.out());
    }
}
