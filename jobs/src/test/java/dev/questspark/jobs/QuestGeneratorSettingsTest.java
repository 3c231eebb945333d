package dev.questspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.quest.QuestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transformer's Quest params reach the engine's QuestConfig (through the settings its tasks receive); no Spark
 * session is needed because a set threadsPerTask leaves the SparkContext unread.
 */
class QuestGeneratorSettingsTest {
    private static QuestConfig engineConfig(QuestGenerator g) {
        return QuestConfig.fromMap(g.settings(null).attention().asSettings());
    }

    @Test
    void tokenBudgetFractionReachesTheEngine() {
        QuestGenerator g = new QuestGenerator().setThreadsPerTask(1).setAttention("quest").setTokenBudget(2048)
                .setTokenBudgetFraction(0.125);
        assertEquals(0.125, g.getTokenBudgetFraction());
        assertEquals(QuestConfig.quest().withTokenBudget(2048).withBudgetFraction(0.125), engineConfig(g));
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
}
