package dev.questspark.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.QuestConfig;
import dev.questspark.settings.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings a task receives reach the engine's QuestConfig and GenerationConfig unchanged. */
class GeneratorSettingsTest {
    private static GeneratorSettings task(Map<String, String> settings) {
        return new GeneratorSettings("m.gguf", "loader", "summarize", Settings.of(settings), 1, null);
    }

    @Test
    void settingsBecomeTheEnginesQuestConfig() {
        GeneratorSettings a = task(Map.of("attention", "Quest", "token-budget", "512", "page-size", "8", "dense-layers", "1",
                "gqa-policy", "per-head", "sink-pages", "0"));
        assertEquals(QuestConfig.quest().withTokenBudget(512).withPageSize(8).withDenseLayers(1)
                .withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD).withSinkPages(0).withRerankFactor(QuestConfig.RERANK_BY_MODEL),
                a.attention());
        assertEquals(QuestConfig.quest().withPageSize(8).withSinkPages(3).withRerankFactor(QuestConfig.RERANK_BY_MODEL),
                task(Map.of("sink-pages", "3")).attention(), "Quest with pages of 8 and the model's rerank factor by default");
        assertEquals(Integer.valueOf(512), RowResult.reportedBudget(a.attention()));
        assertEquals(null, RowResult.reportedBudget(task(Map.of("attention", "dense")).attention()), "dense attention has no budget");
    }

    @Test
    void theBudgetFractionReachesTheEngine() {
        QuestConfig q = task(Map.of("attention", "quest", "token-budget", "2048", "token-budget-fraction", "0.125")).attention();
        assertEquals(QuestConfig.quest().withTokenBudget(2048).withPageSize(8).withBudgetFraction(0.125)
                .withRerankFactor(QuestConfig.RERANK_BY_MODEL), q);
        assertEquals(256, q.budgetAt(2000), "0.125 x 2000 = 250 tokens, rounded up to 32 pages of 8");
        assertEquals(0.0, task(Map.of("attention", "quest")).attention().budgetFraction(), "fixed budget by default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> task(Map.of("attention", "quest", "token-budget-fraction", "1.5")));
        assertTrue(e.getMessage().contains("token-budget-fraction") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void theKvMemoryBudgetReachesTheEngine() {
        assertEquals(QuestConfig.DEFAULT_KV_MEMORY_BUDGET, task(Map.of()).attention().kvMemoryBudget());
        assertEquals(3L << 29, task(Map.of("kv-memory-budget", "1536m")).attention().kvMemoryBudget());
    }

    @Test
    void negativeSinkPagesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> task(Map.of("sink-pages", "-1")));
        assertTrue(e.getMessage().contains("sink-pages") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void samplingChatAndChunkingComeFromTheSettings() {
        GeneratorSettings s = task(Map.of("max-tokens", "9", "temperature", "0.5", "seed", "3", "chat", "false",
                "chunk-overlap", "7", "qa-chunk-tokens", "99", "context-tokens", "300"));
        assertEquals(9, s.sampling().maxTokens());
        assertEquals(3L, s.sampling().seed());
        assertEquals(0.5f, s.sampling().temperature());
        assertEquals("off", s.chat());
        assertEquals(7, s.chunkOverlap());
        assertEquals(99, s.qaChunkTokens());
        assertEquals(300, s.contextTokens());
        assertThrows(IllegalArgumentException.class,
                () -> new GeneratorSettings("m", "l", "summarize", Settings.defaults(), 0, null), "threads resolved >= 1");
    }
}
