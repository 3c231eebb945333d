package dev.questspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.quest.QuestConfig;
import dev.questspark.settings.Setting;
import dev.questspark.settings.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;

/**
 * The transformer's params reach the engine's QuestConfig (through the settings its tasks receive); no Spark
 * session is needed because a set threadsPerTask leaves the SparkContext unread.
 */
class QuestGeneratorSettingsTest {
    private static QuestConfig engineConfig(QuestGenerator g) {
        return g.settings(null).attention();
    }

    @Test
    void tokenBudgetFractionReachesTheEngine() {
        QuestGenerator g = new QuestGenerator().setThreadsPerTask(1).setAttention("quest").setTokenBudget(2048)
                .setTokenBudgetFraction(0.125);
        assertEquals(0.125, g.getTokenBudgetFraction());
        assertEquals(QuestConfig.quest().withTokenBudget(2048).withPageSize(8).withBudgetFraction(0.125)
                .withRerankFactor(QuestConfig.RERANK_BY_MODEL), engineConfig(g));
        assertEquals(0.0, new QuestGenerator().getTokenBudgetFraction(), "the shipped default is a fixed budget");
        assertEquals(0.0, engineConfig(new QuestGenerator().setThreadsPerTask(1)).budgetFraction());
    }

    @Test
    void settingsNameTheFraction() {
        QuestSettings s = QuestSettings.defaults().with(Map.of("attention", "quest", "token-budget-fraction", "0.25",
                "threads", "1"));
        QuestGenerator g = new QuestGenerator().applySettings(s);
        assertEquals(0.25, g.getTokenBudgetFraction());
        assertEquals(0.25, engineConfig(g).budgetFraction());
        assertThrows(IllegalArgumentException.class, () -> new QuestGenerator().setTokenBudgetFraction(1.5));
    }

    @Test
    void kvMemoryBudgetIsAParamThatReachesTheEngine() {
        QuestGenerator g = new QuestGenerator().setThreadsPerTask(1);
        assertEquals(QuestConfig.DEFAULT_KV_MEMORY_BUDGET, g.getKvMemoryBudget());
        assertEquals(512L << 20, engineConfig(g.setKvMemoryBudget("512m")).kvMemoryBudget());
        assertEquals(1L << 30, engineConfig(g.setKvMemoryBudget(1L << 30)).kvMemoryBudget());
        QuestGenerator fromSettings = new QuestGenerator().applySettings(QuestSettings.defaults()
                .withSparkConf(Map.of("spark.quest.kv-memory-budget", "2g")).with(Map.of("threads", "1")));
        assertEquals(2L << 30, engineConfig(fromSettings).kvMemoryBudget(), "spark.quest.kv-memory-budget");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.setKvMemoryBudget("lots"));
        assertTrue(e.getMessage().contains("kv-memory-budget"), e.getMessage());
    }

    @Test
    void everySettingOfTheTableIsAParamWithItsDefault() {
        QuestGenerator g = new QuestGenerator();
        List<String> names = Arrays.stream(g.params()).map(Param::name).toList();
        Settings defaults = QuestSettings.defaults().settings();
        for (Setting<?> s : Settings.table()) {
            assertTrue(names.contains(s.paramName()), s.paramName());
            if (s != Settings.THREADS) {
                assertEquals(defaults.get(s), g.getOrDefault(g.getParam(s.paramName())), s.name());
            }
        }
        assertEquals(0, g.getThreadsPerTask(), "threads follow spark.task.cpus unless set");
        assertTrue(names.containsAll(List.of("modelPath", "task", "inputCol", "kvCache")));
    }

    @Test
    void pageSizeFollowsTheStrictRuleAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QuestGenerator().setPageSize(12));
        assertEquals("setting page-size must be 8, 16, 32 or 64, got '12'", e.getMessage());
        QuestGenerator g = new QuestGenerator().setThreadsPerTask(1).setSetting("page-size", "64").setTokenBudget(64);
        e = assertThrows(IllegalArgumentException.class, () -> g.settings(null));
        assertTrue(e.getMessage().contains("token-budget must be at least two pages"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.setSetting("no-such-setting", "1"));
    }
}
