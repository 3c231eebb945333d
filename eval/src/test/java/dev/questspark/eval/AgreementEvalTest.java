package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output agreement with dense on stories260K: full agreement where Quest is dense, bounded metrics elsewhere. */
class AgreementEvalTest {
    private final Engine engine = TestModels.storiesEngine(1);

    @Test
    void wideBudgetAgreesFullyAndSmallBudgetStaysWithinBounds() {
        int[] prompt = new PasskeyPrompts(engine.tokenizer()).build(260, 0.3, "27182").tokens();
        List<QuestConfig> settings = List.of(QuestConfig.dense(), QuestConfig.quest().withTokenBudget(512),
                QuestConfig.quest().withPageSize(8).withTokenBudget(16));
        List<AgreementRow> rows = AgreementEval.run(engine, "p", prompt, 24, settings);
        assertEquals(2, rows.size(), "dense is the reference, not a row");
        AgreementRow wide = rows.get(0);
        assertTrue(wide.generated() > 0);
        assertEquals(wide.generated(), wide.matchingPrefix());
        assertEquals(0.0, wide.meanKl(), 0.0);
        AgreementRow small = rows.get(1);
        assertEquals(wide.generated(), small.generated());
        assertTrue(small.matchingPrefix() >= 1 && small.matchingPrefix() <= small.generated(), small::toString);
        assertTrue(small.meanKl() > 0 && Double.isFinite(small.meanKl()), small::toString);
        assertTrue(small.kvBytesRead() < small.kvBytesDense());
    }
}
