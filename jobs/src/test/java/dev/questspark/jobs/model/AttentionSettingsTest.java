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
    void negativeSinkPagesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSettings("quest", 512, 16, 2, null, -1));
        assertTrue(e.getMessage().contains("sink pages") && e.getMessage().contains("-1"), e.getMessage());
    }
}
