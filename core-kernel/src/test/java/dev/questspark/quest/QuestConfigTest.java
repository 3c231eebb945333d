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
        assertEquals(1, q.sinkPages());
        assertEquals(QuestConfig.DEFAULT_SINK_PAGES, QuestConfig.dense().sinkPages());
        assertEquals(1, QuestConfig.fromMap(Map.of()).sinkPages());
    }

    @Test
    void sinkPagesUsedLeaveASlotForThePageBeingFilled() {
        QuestConfig q = QuestConfig.quest().withPageSize(16).withTokenBudget(64).withSinkPages(3);
        assertEquals(3, q.sinkPagesUsed(100));
        assertEquals(2, q.sinkPagesUsed(2));
        assertEquals(3, q.withSinkPages(9).sinkPagesUsed(100), "4 budget pages: 3 sinks and the current page");
        assertEquals(1, q.withTokenBudget(32).sinkPagesUsed(100), "2 budget pages: sink and current page");
        assertEquals(0, q.withSinkPages(0).sinkPagesUsed(100));
    }

    @Test
    void readsTheSettingNames() {
        QuestConfig q = QuestConfig.fromMap(Map.of("attention", "quest", "token-budget", "2048", "page-size", 32,
                "dense-layers", "0", "gqa-policy", "per-head", "sink-pages", "3"));
        assertEquals(new QuestConfig(QuestConfig.Attention.QUEST, 2048, 32, 0, QuestConfig.GqaPolicy.PER_HEAD, 3), q);
        assertEquals(q, QuestConfig.fromMap(q.toMap()));
        assertEquals("3", q.toMap().get("sink-pages"));
        QuestConfig paper = QuestConfig.quest().withSinkPages(0);
        assertEquals(paper, QuestConfig.fromMap(paper.toMap()));
        Properties p = new Properties();
        p.setProperty("quest.attention", "QUEST");
        p.setProperty("quest.page-size", "8");
        p.setProperty("other", "x");
        assertEquals(QuestConfig.quest().withPageSize(8), QuestConfig.fromProperties(p, "quest."));
        p.setProperty("quest.sink-pages", "0");
        assertEquals(QuestConfig.quest().withPageSize(8).withSinkPages(0), QuestConfig.fromProperties(p, "quest."));
    }

    @Test
    void withersKeepTheOtherSettings() {
        QuestConfig q = QuestConfig.quest().withSinkPages(2).withTokenBudget(512).withPageSize(8).withDenseLayers(1)
                .withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD).withAttention(QuestConfig.Attention.DENSE);
        assertEquals(new QuestConfig(QuestConfig.Attention.DENSE, 512, 8, 1, QuestConfig.GqaPolicy.PER_HEAD, 2), q);
        assertEquals(QuestConfig.DEFAULT_SINK_PAGES,
                new QuestConfig(QuestConfig.Attention.QUEST, 512, 8, 1, QuestConfig.GqaPolicy.SHARED).sinkPages());
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
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.quest().withSinkPages(-1));
        assertTrue(e.getMessage().contains("sink-pages must be >= 0") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.fromMap(Map.of("sink-pages", "first")));
        assertTrue(e.getMessage().contains("sink-pages"), e.getMessage());
    }
}
