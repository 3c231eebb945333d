package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The quick benchmark runs and reports consistent fields (no timing is asserted). */
class AttentionBenchTest {
    @Test
    void smallRunReportsEveryField() {
        AttentionBench.Result r = AttentionBench.run("smollm2-135m", 2048, 256, 16, 1);
        assertEquals("smollm2-135m", r.shape());
        assertEquals(3L * 2048 * 64 * 4, r.denseBytes());
        assertTrue(r.questBytes() < r.denseBytes());
        assertTrue(r.denseMs() > 0 && r.questMs() > 0 && r.bandwidthGbps() > 0);
        assertTrue(r.toJson().contains("\"dense_bandwidth_ratio\":"), r.toJson());
    }
}
