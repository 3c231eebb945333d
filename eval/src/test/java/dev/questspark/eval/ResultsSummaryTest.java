package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The findings computed from synthetic rows: the targets per page size, the sink ablation, met and not met. */
class ResultsSummaryTest {
    private static PasskeyRow row(int trial, String attention, int budget, int page, boolean correct) {
        return new PasskeyRow(8184, 0.5, trial, attention, budget, page, correct, "12345", correct ? " 12345." : " 1234", 30, 10, 1, 4);
    }

    @Test
    void targetsAreCheckedPerPageSizeAndSaidEitherWay() {
        EvalPlan plan = EvalPlan.quick(Path.of("m.gguf"), Path.of("GPL-3"), null, Path.of("bench/llamacpp"));
        List<PasskeyRow> passkey = List.of(row(0, "dense", 0, 16, true), row(1, "dense", 0, 16, true),
                row(0, "quest", 1024, 16, true), row(1, "quest", 1024, 16, false),
                row(0, "quest", 1024, 8, true), row(1, "quest", 1024, 8, true),
                row(0, "quest-paper", 1024, 16, false), row(1, "quest-paper", 1024, 16, false));
        List<SpeedRow> speed = List.of(new SpeedRow(SpeedRow.OURS, 2, 8127, "dense", 0, 16, 400, 90, 11, 1.0),
                new SpeedRow(SpeedRow.OURS, 2, 8127, "quest", 1024, 16, 400, 150, 6.6, 0.24),
                new SpeedRow(SpeedRow.OURS, 2, 8127, "quest", 1024, 8, 400, 30, 33, 0.3),
                new SpeedRow(SpeedRow.LLAMA_CPP, 2, 8127, "dense", 0, 0, 100, 25, 40, 1.0));
        ModelInfo model = new ModelInfo("m", "llama", 8192, 30, 9, 3, 64, 49152, "f", Path.of("m.gguf"));
        EvalResults r = new EvalResults(plan, "quick", Set.copyOf(EvalRun.SECTIONS), model, "cmd", "now", List.of(), passkey, List.of(),
                List.of(), speed, List.of(), new double[5]);
        List<String> lines = ResultsSummary.lines(r);
        assertTrue(lines.contains("Decode at a 8127-token context, 2 threads: Quest (budget 1024, page size 16) 150.0 tok/s, our dense "
                + "90.0 tok/s (Quest 1.67x), llama.cpp 25.0 tok/s: Quest is 6.00x llama.cpp (target 1.5x: met)."), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.contains("page size 8) 30.0 tok/s") && l.endsWith("(target 1.5x: not met).")),
                lines::toString);
        assertTrue(lines.contains("Passkey at 8184 tokens: Quest (budget 1024, page size 8) 100%, dense 100% (+0 points; target within 5: "
                + "met)."), lines::toString);
        assertTrue(lines.contains("Passkey at 8184 tokens: Quest (budget 1024, page size 16) 50%, dense 100% (-50 points; target within "
                + "5: not met)."), lines::toString);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Sink page ablation, budget 1024") && l.contains("8184 tokens 50% vs 0%"))
                .count(), lines::toString);
    }
}
