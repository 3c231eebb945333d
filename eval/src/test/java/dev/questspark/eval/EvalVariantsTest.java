package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.quest.QuestConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The eval's Quest variants: parsed from the command line, measured at every budget, named apart in the rows. */
class EvalVariantsTest {
    @Test
    void variantsAreMeasuredAtEveryBudgetUnderNamesOfTheirOwn() {
        EvalMain.Options o = EvalMain.parse(new String[] {"--budgets", "1024,2048", "--paper-budgets", "none", "--adaptive-budgets", "none",
                "--variants", "gqa-policy=per-head; sink-pages=0,page-size=8,dense-layers=6"});
        List<QuestConfig> ppl = o.plan().pplSettings();
        assertEquals(List.of("dense", "quest", "quest", "quest-per-head", "quest-per-head", "quest-paper-dense6", "quest-paper-dense6"),
                ppl.stream().map(AttentionGrid::name).toList());
        QuestConfig last = ppl.get(ppl.size() - 1);
        assertEquals(QuestConfig.quest().withTokenBudget(2048).withSinkPages(0).withPageSize(8).withDenseLayers(6), last);
        assertEquals(QuestConfig.quest().withTokenBudget(1024).withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD), ppl.get(3));
        assertEquals(List.of(), o.plan().adaptiveBudgets());
        assertEquals(List.of(), o.plan().paperBudgets());
    }

    @Test
    void withoutVariantsTheGridIsAsBefore() {
        EvalPlan p = EvalMain.parse(new String[] {"--budgets", "2048"}).plan();
        assertEquals(List.of("dense", "quest", "quest-paper", "quest-paper"), p.pplSettings().stream().map(AttentionGrid::name).toList());
        assertEquals(List.of(128, 512), p.adaptiveBudgets());
    }

    @Test
    void theSeedIsAFlag() {
        assertEquals(7, EvalMain.parse(new String[] {"--seed", "7"}).plan().seed());
        assertEquals(2024, EvalMain.parse(new String[0]).plan().seed());
    }

    @Test
    void recentPagesAreAVariantKey() {
        QuestConfig v = AttentionGrid.variant("gqa-policy=per-head,recent-pages=4,page-size=8");
        assertEquals(QuestConfig.quest().withGqaPolicy(QuestConfig.GqaPolicy.PER_HEAD).withRecentPages(4).withPageSize(8), v);
        assertEquals("quest-per-head-recent4", AttentionGrid.name(v));
        assertEquals("quest-recent8-dense6", AttentionGrid.name(AttentionGrid.variant("recent-pages=8,dense-layers=6")));
    }

    @Test
    void rerankFactorIsAVariantKey() {
        QuestConfig v = AttentionGrid.variant("page-size=8,rerank-factor=2");
        assertEquals(QuestConfig.quest().withPageSize(8).withRerankFactor(2), v);
        assertEquals("quest-recent16-rerank4", AttentionGrid.name(AttentionGrid.variant("recent-pages=16,rerank-factor=4")));
        assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("rerank-factor=-2"));
    }

    @Test
    void rerankScoreIsAVariantKey() {
        QuestConfig v = AttentionGrid.variant("page-size=8,rerank-factor=4,rerank-score=head-relative");
        assertEquals(QuestConfig.quest().withPageSize(8).withRerankFactor(4).withRerankScore(QuestConfig.RerankScore.HEAD_RELATIVE), v);
        assertEquals("quest-rerank4-head-relative", AttentionGrid.name(v));
        assertEquals("quest-rerank4", AttentionGrid.name(AttentionGrid.variant("rerank-factor=4,rerank-score=max")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("rerank-score=softmax"));
        assertTrue(e.getMessage().contains("max or head-relative"), e.getMessage());
    }

    @Test
    void badVariantsNameWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("gqa-policy=max"));
        assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("budget=4"));
        assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("sink-pages"));
        assertThrows(IllegalArgumentException.class, () -> AttentionGrid.variant("recent-pages=-1"));
    }
}
