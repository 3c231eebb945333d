package dev.questspark.jobs.config;

import dev.questspark.settings.Setting;
import dev.questspark.settings.Settings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestSettingsTest {
    @Test
    void shippedDefaultsResolveTheModelUnderQuestHome() {
        QuestSettings d = QuestSettings.defaults();
        assertEquals("quest", d.get("attention"), "Quest by default");
        assertEquals(8, d.getInt("page-size"));
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

    @Test
    void theDefaultsFileAgreesWithTheSettingsTable() throws IOException {
        Properties shipped = new Properties();
        try (InputStream in = QuestSettings.class.getResourceAsStream(QuestSettings.RESOURCE)) {
            shipped.load(in);
        }
        assertTrue(shipped.containsKey("kv-memory-budget"), "the memory budget is documented in the defaults file");
        for (String key : shipped.stringPropertyNames()) {
            Setting<?> s = Settings.named(key);
            if (s != null) {
                assertEquals(s.defaultValue(), s.parse(shipped.getProperty(key)), key + " in " + QuestSettings.FILE
                        + " differs from the settings table's default");
            }
        }
    }

    @Test
    void tableSettingsHaveTheirDefaultsWithoutAFileAndAreChecked() {
        QuestSettings s = QuestSettings.of(Map.of());
        assertEquals(Settings.defaults(), s.settings());
        QuestSettings layered = QuestSettings.defaults().withSparkConf(Map.of("spark.quest.kv-memory-budget", "1g"))
                .with(Map.of("page-size", "16"));
        assertEquals(1L << 30, layered.settings().quest().kvMemoryBudget(), "spark.quest.kv-memory-budget is read");
        assertEquals(16, layered.settings().quest().pageSize());
        assertEquals("4g", QuestSettings.defaults().get("kv-memory-budget"), "--help shows the default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuestSettings.defaults().with(Map.of("page-size", "12")).settings());
        assertEquals("setting page-size must be 8, 16, 32 or 64, got '12'", e.getMessage());
    }
}
