package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class QuestConfigTest {
    @Test
    void defaultsFollowThePaper() {
        QuestConfig q = QuestConfig.quest();
        assertEquals(QuestConfig.Attention.QUEST, q.attention());
        assertEquals(1024, q.tokenBudget());
        assertEquals(16, q.pageSize());
        assertEquals(2, q.denseLayers());
        assertEquals(QuestConfig.GqaPolicy.SHARED, q.gqaPolicy());
        assertEquals(64, q.budgetPages());
    }

    @Test
    void readsTheSettingNames() {
        QuestConfig q = QuestConfig.fromMap(Map.of("attention", "quest", "token-budget", "2048", "page-size", 32,
                "dense-layers", "0", "gqa-policy", "per-head"));
        assertEquals(new QuestConfig(QuestConfig.Attention.QUEST, 2048, 32, 0, QuestConfig.GqaPolicy.PER_HEAD), q);
        assertEquals(q, QuestConfig.fromMap(q.toMap()));
        Properties p = new Properties();
        p.setProperty("quest.attention", "QUEST");
        p.setProperty("quest.page-size", "8");
        p.setProperty("other", "x");
        assertEquals(QuestConfig.quest().withPageSize(8), QuestConfig.fromProperties(p, "quest."));
    }

    @Test
    void rejectsBadValuesWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.fromMap(Map.of("page-size", "12")));
        assertTrue(e.getMessage().contains("page-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.fromMap(Map.of("attention", "sparse")));
        assertTrue(e.getMessage().contains("dense|quest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.fromMap(Map.of("token-budget", "16")));
        assertTrue(e.getMessage().contains("token-budget"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.fromMap(Map.of("dense-layers", "two")));
        assertTrue(e.getMessage().contains("dense-layers"), e.getMessage());
    }
}
