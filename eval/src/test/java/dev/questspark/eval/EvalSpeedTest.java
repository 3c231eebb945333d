package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV-traffic bounds and the llama.cpp summary parsing, on synthetic inputs (no timing is asserted). */
class EvalSpeedTest {
    @Test
    void attentionBoundIsThePaperFormula() {
        // 32K context, pages of 16, budget 2048: 1/8 of the bytes, the paper's 8x bound
        assertEquals(8.0, KvTraffic.attentionBound(32768, 16, 2048), 1e-12);
        assertEquals(1.0, KvTraffic.attentionBound(1024, 16, 1024), 0.0);
    }

    @Test
    void modelBoundWeighsTheDenseLayers() {
        KvTraffic kv = new KvTraffic(30, 3, 64, 2);
        double b = KvTraffic.attentionBound(8192, 16, 1024);
        assertEquals(1 / (2.0 / 30 + 28.0 / 30 / b), kv.modelBound(8192, 16, 1024), 1e-12);
        assertEquals(30L * 3 * 8192 * 64 * 4, kv.denseBytesPerToken(8192));
    }

    @Test
    void parsesTheSummaryLineOfBenchMjs() {
        String out = "{\"type\":\"run\",\"context\":512,\"decode_tokens_per_s\":1}\n"
                + "{\"type\":\"summary\",\"engine\":\"llama.cpp\",\"threads\":2,\"results\":[{\"context\":512,\"prefill_tokens_per_s\":1197.5,"
                + "\"decode_tokens_per_s\":84.25,\"decode_ms_per_token\":11.87},{\"context\":8192,\"prefill_tokens_per_s\":233,"
                + "\"decode_tokens_per_s\":18,\"decode_ms_per_token\":55.556}]}\n";
        List<SpeedRow> rows = LlamaCppBench.parseSummary(out, 2);
        assertEquals(2, rows.size());
        assertEquals(new SpeedRow(SpeedRow.LLAMA_CPP, 2, 512, "dense", 0, 0, 1197.5, 84.25, 11.87, 1.0), rows.get(0));
        assertEquals(8192, rows.get(1).context());
    }

    @Test
    void aMissingScriptIsSkippedWithAReason(@TempDir Path dir) {
        LlamaCppBench.Outcome o = LlamaCppBench.run(dir, dir.resolve("m.gguf"), 1, List.of(512), 4, 1);
        assertTrue(o.rows().isEmpty());
        assertNotNull(o.skipped());
        assertTrue(o.skipped().contains("bench.mjs"), o.skipped());
    }
}
