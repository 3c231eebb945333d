package dev.questspark.jobs.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestSettingsTest {
    @Test
    void shippedDefaultsResolveTheModelUnderQuestHome() {
        QuestSettings d = QuestSettings.defaults();
        assertEquals("dense", d.get("attention"));
        assertEquals(1024, d.getInt("token-budget"));
        assertEquals(1, d.getInt("sink-pages"));
        assertEquals(0.0, d.getDouble("token-budget-fraction"), "a fixed budget by default");
        assertTrue(d.get("model").endsWith("models/SmolLM2-135M-Instruct.Q4_1.gguf"));
        assertTrue(java.nio.file.Path.of(d.get("model")).isAbsolute());
    }

    @Test
    void sparkConfOverridesDefaultsAndFlagsOverrideBoth() {
        QuestSettings s = QuestSettings.of(Map.of("attention", "dense", "token-budget", "1024", "seed", "1"))
                .withSparkConf(Map.of("spark.quest.attention", "quest", "spark.quest.token-budget", "512",
                        "spark.executor.cores", "4"))
                .with(Map.of("token-budget", "256"));
        assertEquals("quest", s.get("attention"));
        assertEquals(256, s.getInt("token-budget"));
        assertEquals(1, s.getInt("seed"));
        assertEquals("x", s.get("executor.cores", "x"), "only spark.quest.* keys become settings");
    }

    @Test
    void badValuesNameTheSetting() {
        QuestSettings s = QuestSettings.of(Map.of("token-budget", "lots", "budgets", "1,x"));
        assertEquals("setting token-budget must be an integer, got 'lots'",
                assertThrows(IllegalArgumentException.class, () -> s.getInt("token-budget")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.getIntList("budgets"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.get("nope")).getMessage().contains("--nope"));
    }
}
