package dev.questspark.jobs.cli;

import dev.questspark.eval.EvalMain;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/quest eval writes the project's docs/ only when asked to. */
class EvalCommandTest {
    @Test
    void theReportGoesOutsideDocsUnlessDocsIsGiven() {
        Path home = Path.of(System.getProperty("quest.home", ".")).toAbsolutePath().normalize();
        Path report = EvalMain.parse(new String[0]).docs().toAbsolutePath().normalize();
        assertFalse(report.startsWith(home.resolve("docs")), report.toString());
        assertEquals(home.resolve(EvalMain.DEFAULT_REPORT), report);
        assertEquals(Path.of("docs"), EvalMain.parse(new String[]{"--docs", "docs"}).docs());
    }

    @Test
    void helpShowsTheDefaultReportFolder() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = QuestCli.run(new String[]{"eval", "--help"}, new java.io.PrintStream(out, true), System.err);
        assertEquals(0, code);
        assertTrue(out.toString().contains("--docs DIR") && out.toString().contains("(default: " + EvalMain.DEFAULT_REPORT + ")"),
                out.toString());
    }

    @Test
    void perplexityTokensTheScoredTailAndAnswerTokensAreFlags() {
        var plan = EvalMain.parse(new String[]{"--ppl-tokens", "32760", "--ppl-scored", "1024"}).plan();
        assertEquals(32760, plan.pplTokens());
        assertEquals(1024, plan.pplScored());
        assertEquals(0, EvalMain.parse(new String[0]).plan().pplScored(), "every token is scored by default");
        assertEquals(16, EvalMain.parse(new String[]{"--answer-tokens", "16"}).plan().answerTokens());
    }

    @Test
    void gridSettingsGivenAsConfAreRefusedWithTheFlagToUse() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = QuestCli.run(new String[]{"eval", "--sections", "perplexity", "--conf", "spark.quest.gqa-policy=per-head"},
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true), new java.io.PrintStream(err, true));
        assertTrue(code != 0, "exit code " + code);
        assertTrue(err.toString().contains("--variants"), err.toString());
    }

    @Test
    void variantsAndAblationsAreFlags() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        QuestCli.run(new String[]{"eval", "--help"}, new java.io.PrintStream(out, true), System.err);
        assertTrue(out.toString().contains("--variants") && out.toString().contains("--paper-budgets")
                && out.toString().contains("--adaptive-budgets"), out.toString());
    }
}
