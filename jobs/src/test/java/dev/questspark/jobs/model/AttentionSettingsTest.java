package dev.questspark.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.QuestConfig;
import org.junit.jupiter.api.Test;

/** The jobs' attention settings reach the engine's QuestConfig unchanged, sink pages included. */
class AttentionSettingsTest {
    @Test
    void settingsBecomeTheEnginesQuestConfig() {
        AttentionSettings a = new AttentionSettings("Quest", 512, 8, 1, "per-head", 0);
        assertEquals(QuestConfig.quest().withTokenBudget(512).withPageSize(8).withDenseLayers(1)
                .withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD).withSinkPages(0), QuestConfig.fromMap(a.asSettings()));
        AttentionSettings b = new AttentionSettings(null, 1024, 16, 2, " ", 3);
        assertEquals(QuestConfig.dense().withSinkPages(3), QuestConfig.fromMap(b.asSettings()));
    }

    @Test
    void theBudgetFractionReachesTheEngine() {
        AttentionSettings a = new AttentionSettings("quest", 2048, 16, 2, null, 1, 0.125);
        QuestConfig q = QuestConfig.fromMap(a.asSettings());
        assertEquals(QuestConfig.quest().withTokenBudget(2048).withBudgetFraction(0.125), q);
        assertEquals(256, q.budgetAt(2000), "0.125 x 2000 = 250 tokens, rounded up to 16 pages");
        assertEquals(0.0, new AttentionSettings("quest", 512, 16, 2, null, 1).budgetFraction(), "fixed budget by default");
        assertEquals(0.0, QuestConfig.fromMap(new AttentionSettings("quest", 512, 16, 2, null, 1).asSettings()).budgetFraction());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSettings("quest", 512, 16, 2, null, 1, 1.5));
        assertTrue(e.getMessage().contains("token budget fraction") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void negativeSinkPagesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSettings("quest", 512, 16, 2, null, -1));
        assertTrue(e.getMessage().contains("sink pages") && e.getMessage().contains("-1"), e.getMessage());
    }
}
