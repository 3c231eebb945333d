package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.settings.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's attention record, read from the settings table's names ({@link Settings}). */
class QuestConfigTest {
    private static QuestConfig fromMap(Map<String, ?> m) {
        return Settings.of(m).quest();
    }

    private static Map<String, String> toMap(QuestConfig q) {
        return Settings.defaults().withQuest(q).toStrings();
    }

    /** Keys under prefix; other keys of the same map are ignored. */
    private static QuestConfig fromProperties(Map<String, String> p, String prefix) {
        Map<String, String> m = new HashMap<>();
        p.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return fromMap(m);
    }
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
        assertEquals(1, fromMap(Map.of()).sinkPages());
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
    void recentPagesFitBetweenTheSinksAndThePageBeingFilled() {
        QuestConfig q = QuestConfig.quest().withPageSize(16).withTokenBudget(128).withSinkPages(1).withRecentPages(4);
        assertEquals(0, QuestConfig.quest().recentPages(), "the paper's selection by default");
        assertEquals(4, q.recentPagesUsedAt(16 * 100 + 1), "8 budget pages: a sink, 4 recent, 2 ranked, the current page");
        assertEquals(6, q.withRecentPages(40).recentPagesUsedAt(16 * 100 + 1), "what the sink and the current page leave");
        assertEquals(2, q.recentPagesUsedAt(16 * 3 + 1), "3 pages before the current one, one of them the sink");
        assertEquals(0, q.withRecentPages(0).recentPagesUsedAt(16 * 100 + 1));
        assertEquals(3, fromMap(Map.of("recent-pages", "3")).recentPages());
        assertEquals("3", toMap(q.withRecentPages(3)).get("recent-pages"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.withRecentPages(-1));
        assertTrue(e.getMessage().contains("recent-pages must be >= 0"), e.getMessage());
    }

    @Test
    void rerankFactorIsASettingOffByDefault() {
        assertEquals(0, QuestConfig.quest().rerankFactor(), "the bounds alone by default");
        assertEquals(4, fromMap(Map.of("rerank-factor", "4")).rerankFactor());
        assertEquals("2", toMap(QuestConfig.quest().withRerankFactor(2)).get("rerank-factor"));
        assertEquals(3, QuestConfig.quest().withRerankFactor(3).withPageSize(8).withRecentPages(2).rerankFactor(), "kept by the withers");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.quest().withRerankFactor(-2));
        assertTrue(e.getMessage().contains("rerank-factor must be >= 0"), e.getMessage());
    }

    @Test
    void rerankScoreIsASettingMaxByDefault() {
        QuestConfig.RerankScore relative = QuestConfig.RerankScore.HEAD_RELATIVE;
        assertEquals(QuestConfig.RerankScore.MAX, QuestConfig.quest().rerankScore(), "the group's largest logit by default");
        assertEquals(QuestConfig.RerankScore.MAX, fromMap(Map.of()).rerankScore(), "the settings table's default");
        assertEquals(relative, fromMap(Map.of("rerank-score", "head-relative")).rerankScore());
        assertEquals("head-relative", toMap(QuestConfig.quest().withRerankScore(relative)).get("rerank-score"));
        QuestConfig q = QuestConfig.quest().withRerankScore(relative).withRerankFactor(QuestConfig.RERANK_BY_MODEL);
        assertEquals(relative, q.withPageSize(8).withRecentPages(2).withTokenBudget(2048).forArchitecture("gemma3").rerankScore(),
                "kept by the withers and the model's factor");
        assertEquals(q, fromMap(toMap(q)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.quest().withRerankScore(null));
        assertTrue(e.getMessage().contains("rerank-score must be set"), e.getMessage());
    }

    @Test
    void rerankFactorByModelIsGemmasOnly() {
        QuestConfig byModel = QuestConfig.quest().withRerankFactor(QuestConfig.RERANK_BY_MODEL);
        assertEquals(QuestConfig.GEMMA3_RERANK_FACTOR, byModel.forArchitecture("gemma3").rerankFactor());
        assertEquals(0, byModel.forArchitecture("llama").rerankFactor(), "SmolLM2 keeps the bounds alone");
        assertEquals(2, byModel.withRerankFactor(2).forArchitecture("gemma3").rerankFactor(), "a factor given is kept");
        assertEquals(0, QuestConfig.quest().forArchitecture("gemma3").rerankFactor(), "0 given is kept");
        assertEquals(QuestConfig.RERANK_BY_MODEL, fromMap(Map.of()).rerankFactor(), "the settings table's default");
    }

    @Test
    void readsTheSettingNames() {
        QuestConfig q = fromMap(Map.of("attention", "quest", "token-budget", "2048", "page-size", 32,
                "dense-layers", "0", "gqa-policy", "per-head", "sink-pages", "3"));
        assertEquals(new QuestConfig(QuestConfig.Attention.QUEST, 2048, 32, 0, QuestConfig.GqaPolicy.PER_HEAD, 3)
                .withRerankFactor(QuestConfig.RERANK_BY_MODEL), q);
        assertEquals(q, fromMap(toMap(q)));
        assertEquals("3", toMap(q).get("sink-pages"));
        QuestConfig paper = QuestConfig.quest().withSinkPages(0);
        assertEquals(paper, fromMap(toMap(paper)));
        Map<String, String> p = new HashMap<>();
        p.put("quest.attention", "QUEST");
        p.put("quest.page-size", "8");
        p.put("other", "x");
        p.put("quest.rerank-factor", "0");
        assertEquals(QuestConfig.quest().withPageSize(8), fromProperties(p, "quest."));
        p.put("quest.sink-pages", "0");
        assertEquals(QuestConfig.quest().withPageSize(8).withSinkPages(0), fromProperties(p, "quest."));
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
    void theBudgetFractionDefaultsToAFixedBudget() {
        assertEquals(0.0, QuestConfig.quest().budgetFraction());
        assertEquals(0.0, QuestConfig.dense().budgetFraction());
        assertEquals(0.0, fromMap(Map.of()).budgetFraction());
        assertEquals(0.0, new QuestConfig(QuestConfig.Attention.QUEST, 512, 8, 1, QuestConfig.GqaPolicy.SHARED, 2).budgetFraction());
        QuestConfig q = QuestConfig.quest();
        assertFalse(q.adaptive());
        for (int context : new int[] {1, 100, 1024, 1025, 8192}) {
            assertEquals(1024, q.budgetAt(context), "fixed budget at " + context);
            assertEquals(64, q.budgetPagesAt(context));
        }
        assertEquals(QuestConfig.quest(), QuestConfig.quest().withBudgetFraction(-0.0), "-0 is the fixed budget too");
    }

    @Test
    void anAdaptiveBudgetIsAShareOfTheContextInWholePagesBetweenTwoPagesAndTheCeiling() {
        QuestConfig q = QuestConfig.quest().withTokenBudget(1024).withBudgetFraction(0.125); // pages of 16
        assertTrue(q.adaptive());
        assertEquals(32, q.budgetAt(1), "floor: two pages");
        assertEquals(32, q.budgetAt(256), "ceil(32) = two pages");
        assertEquals(48, q.budgetAt(257), "ceil(32.125) = 33 tokens, rounded up to three pages");
        assertEquals(128, q.budgetAt(1000), "125 tokens -> 8 pages");
        assertEquals(1024, q.budgetAt(8192), "exactly the ceiling");
        assertEquals(1024, q.budgetAt(100_000), "capped by token-budget");
        assertEquals(8, q.budgetPagesAt(1000));
        assertEquals(2, q.budgetPagesAt(1));
        assertEquals(64, q.budgetPages(), "arrays are sized by the ceiling");
        QuestConfig all = QuestConfig.quest().withPageSize(8).withTokenBudget(256).withBudgetFraction(1);
        assertEquals(104, all.budgetAt(100), "fraction 1 attends the whole context (rounded up to pages)");
        assertEquals(256, all.budgetAt(300));
    }

    @Test
    void sinkPagesFollowTheStepsBudget() {
        QuestConfig q = QuestConfig.quest().withPageSize(16).withTokenBudget(1024).withSinkPages(3).withBudgetFraction(0.125);
        assertEquals(1, q.sinkPagesUsedAt(200), "two pages at context 200: one sink and the current page");
        assertEquals(2, q.sinkPagesUsedAt(300), "38 tokens = three pages at context 300: two sinks and the current page");
        assertEquals(3, q.sinkPagesUsedAt(2000));
        assertEquals(3, q.sinkPagesUsed(100), "at the ceiling");
        assertEquals(0, q.sinkPagesUsedAt(10), "no page before the one being filled");
    }

    @Test
    void theBudgetFractionRoundTrips() {
        for (double f : new double[] {0, 0.0625, 1.0 / 12, 0.1, 0.25, 1, 1e-4}) {
            QuestConfig q = QuestConfig.quest().withBudgetFraction(f);
            assertEquals(q, fromMap(toMap(q)), "fraction " + f);
            Map<String, String> p = new HashMap<>();
            toMap(q).forEach((k, v) -> p.put("quest." + k, v));
            assertEquals(q, fromProperties(p, "quest."), "fraction " + f);
        }
        assertEquals("0", toMap(QuestConfig.quest()).get("token-budget-fraction"));
        assertEquals("0.0625", toMap(QuestConfig.quest().withBudgetFraction(0.0625)).get("token-budget-fraction"));
        assertEquals(0.25, fromMap(Map.of("token-budget-fraction", " 0.25 ")).budgetFraction());
        assertEquals(0.5, fromMap(Map.of("token-budget-fraction", 0.5)).budgetFraction());
        QuestConfig wither = QuestConfig.quest().withBudgetFraction(0.25).withTokenBudget(512).withPageSize(8).withDenseLayers(1)
                .withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD).withSinkPages(2).withAttention(QuestConfig.Attention.DENSE);
        assertEquals(new QuestConfig(QuestConfig.Attention.DENSE, 512, 8, 1, QuestConfig.GqaPolicy.PER_HEAD, 2, 0.25), wither);
    }

    @Test
    void rejectsBudgetFractionsOutsideZeroOrZeroToOne() {
        for (double f : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.quest().withBudgetFraction(f));
            assertTrue(e.getMessage().contains("token-budget-fraction must be 0") && e.getMessage().contains("(0, 1]")
                    && e.getMessage().contains(Double.toString(f)), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromMap(Map.of("token-budget-fraction", "a tenth")));
        assertTrue(e.getMessage().contains("token-budget-fraction") && e.getMessage().contains("a tenth"), e.getMessage());
    }

    @Test
    void rejectsBadValuesWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of("page-size", "12")));
        assertTrue(e.getMessage().contains("page-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of("attention", "sparse")));
        assertTrue(e.getMessage().contains("dense or quest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of("token-budget", "8")));
        assertTrue(e.getMessage().contains("token-budget"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of("dense-layers", "two")));
        assertTrue(e.getMessage().contains("dense-layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestConfig.quest().withSinkPages(-1));
        assertTrue(e.getMessage().contains("sink-pages must be >= 0") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of("sink-pages", "first")));
        assertTrue(e.getMessage().contains("sink-pages"), e.getMessage());
    }
}
