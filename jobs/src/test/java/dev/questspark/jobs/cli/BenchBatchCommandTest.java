package dev.questspark.jobs.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/quest bench-batch on the tiny stories260K: one JSON line with a result per setting and batch size. */
class BenchBatchCommandTest {
    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuestCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String stories() {
        Path p = Path.of(System.getProperty("quest.test.models", "../core-kernel/src/test/resources/models"), "stories260K.gguf");
        assertTrue(Files.isRegularFile(p), "stories260K.gguf is committed under core-kernel/src/test/resources/models");
        return p.toString();
    }

    @Test
    void jsonHasOneResultPerSettingAndBatchSize() {
        for (String shared : new String[] {"false", "true"}) {
            String out = run("bench-batch", "--model", stories(), "--context", "100", "--batch-sizes", "1,3", "--attention",
                    "dense,quest:32", "--page-size", "8", "--decode-tokens", "6", "--threads", "1", "--shared-document=" + shared,
                    "--json");
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.startsWith("{\"command\":\"bench-batch\""), out);
            assertEquals(4, out.split("aggregate_decode_tokens_per_s").length - 1, out);
            assertTrue(out.contains("\"batch_size\":3,\"shared_document\":" + shared + ",\"attention\":\"quest\",\"token_budget\":32"), out);
            assertTrue(out.contains("\"generated\":18"), "3 sequences x 6 tokens: " + out);
        }
    }

    @Test
    void theTableWithoutBatchOneHasNoRatioToIt() {
        String out = run("bench-batch", "--model", stories(), "--context", "60", "--batch-sizes", "2", "--attention", "quest:32",
                "--page-size", "8", "--decode-tokens", "3", "--threads", "1", "--shared-document=true");
        assertTrue(out.contains("| Quest, budget 32 | 2 | "), out);
        assertTrue(!out.contains("NaN"), out);
    }

    @Test
    void denseLayersReachTheMeasuredSetting() {
        // stories260K has 5 layers: with all of them dense, Quest reads every KV token as dense does
        String out = run("bench-batch", "--model", stories(), "--context", "100", "--batch-sizes", "1", "--attention", "quest:32",
                "--page-size", "8", "--dense-layers", "5", "--decode-tokens", "3", "--threads", "1", "--json");
        assertTrue(out.contains("\"kv_read_fraction\":1.0000"), out);
    }

    @Test
    void aBadAttentionListIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuestCli.run(new String[] {"bench-batch", "--model", stories(), "--attention", "sparse"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--attention"), err.toString(StandardCharsets.UTF_8));
    }
}
