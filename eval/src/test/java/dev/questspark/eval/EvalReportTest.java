package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report writer on synthetic rows: tables with the computed figures, readable PNG charts, CSV rows. */
class EvalReportTest {
    @Test
    void writesTablesChartsAndCsv(@TempDir Path docs) throws Exception {
        EvalPlan plan = EvalPlan.quick(Path.of("m.gguf"), Path.of("GPL-3"), null, Path.of("bench/llamacpp"));
        List<PasskeyRow> passkey = List.of(
                new PasskeyRow(1024, 0.0, 0, "dense", 0, 16, true, "12345", " 12345.", 30, 100, 400, 400),
                new PasskeyRow(1024, 0.0, 1, "dense", 0, 16, true, "23456", " 23456.", 30, 100, 400, 400),
                new PasskeyRow(1024, 0.0, 0, "quest", 64, 16, true, "12345", " 12345.", 30, 10, 100, 400),
                new PasskeyRow(1024, 0.0, 1, "quest", 64, 16, false, "23456", " 2345", 30, 10, 100, 400));
        List<PerplexityRow> ppl = List.of(new PerplexityRow("GPL-3", 1023, "dense", 0, 16, Math.log(10), 30, 1, 4, 4),
                new PerplexityRow("GPL-3", 1023, "quest", 64, 16, Math.log(11), 30, 1, 1, 4));
        List<AgreementRow> agreement = List.of(new AgreementRow("doc (summary)", 20, "quest", 64, 16, 10, 0.25, 1, 1, 4));
        List<SpeedRow> speed = List.of(new SpeedRow(SpeedRow.OURS, 2, 2048, "dense", 0, 16, 500, 50, 20, 1.0),
                new SpeedRow(SpeedRow.OURS, 2, 2048, "quest", 64, 16, 500, 100, 10, 0.1),
                new SpeedRow(SpeedRow.OURS, 2, 2048, "quest", 64, 8, 500, 80, 12.5, 0.15),
                new SpeedRow(SpeedRow.LLAMA_CPP, 2, 2048, "dense", 0, 0, 678, 48, 20.8, 1.0));
        ModelInfo model = new ModelInfo("m", "llama", 8192, 30, 9, 3, 64, 49152, "f", Path.of("m.gguf"));
        EvalResults r = new EvalResults(plan, "quick", Set.copyOf(EvalRun.SECTIONS), model, "bin/quest eval --quick", "now",
                List.of("CPU: test"), passkey, ppl, agreement, speed, List.of("llama.cpp skipped: test."), new double[5]);
        Path md = ResultsReport.write(r, docs);
        String text = Files.readString(md);
        assertTrue(text.contains("bin/quest eval --quick"), text);
        assertTrue(text.contains("| quest | 16 | 64 | 50% (n=2) | 0 | 0.250 |"), text);
        assertTrue(text.contains("| dense | 16 | all | 100% (n=2) | 1 | 1.000 |"), text);
        assertTrue(text.contains("| 11.000 | +10.00% |"), text);
        assertTrue(text.contains("| quest | 16 | 64 | 1 | 50% | 0.2500 |"), text);
        assertTrue(text.contains("| 2 | 2048 | quest-spark | quest b64 | 500 | 100.00 | 10.00 | 2.00x |"), text);
        assertTrue(text.contains("| 2 | 2048 | quest-spark | quest b64 p8 | 500 | 80.00 | 12.50 | 1.60x |"), text);
        assertTrue(text.contains("llama.cpp skipped: test."), text);
        for (String png : List.of("passkey-accuracy-p16.png", "passkey-heatmap-dense.png", "passkey-heatmap-quest-b64-p16.png",
                "perplexity-vs-budget.png", "agreement-vs-budget.png", "latency-vs-context-t2-p16.png",
                "latency-vs-context-t2-p8.png")) {
            assertTrue(text.contains("(results/" + png + ")"), png);
            assertTrue(ImageIO.read(docs.resolve("results").resolve(png).toFile()).getWidth() > 0, png);
        }
        assertTrue(Files.readAllLines(docs.resolve("results/passkey.csv")).size() == 5);
    }
}
