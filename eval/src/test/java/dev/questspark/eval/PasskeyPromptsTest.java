package dev.questspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.Engine;
import dev.questspark.testing.TestModels;
import dev.questspark.tokenizer.Tokenizer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Passkey prompt construction (exact length, key placement) and scoring, with stories260K's tokenizer. */
class PasskeyPromptsTest {
    private static Engine engine;
    private static Tokenizer tok;

    @BeforeAll
    static void load() {
        engine = TestModels.storiesEngine(1);
        tok = engine.tokenizer();
    }

    @Test
    void promptHasTheExactLengthAndTheKeyAtTheRequestedDepth() {
        PasskeyPrompts prompts = new PasskeyPrompts(tok);
        for (int length : new int[] {260, 517, 1024}) {
            for (double depth : new double[] {0, 0.1, 0.25, 0.5, 0.9, 1}) {
                PasskeyPrompt p = prompts.build(length, depth, "48213");
                assertEquals(length, p.tokens().length);
                double wanted = depth * p.fillerTokens();
                int placed = p.needleStart() - p.fillerStart();
                assertTrue(Math.abs(placed - wanted) <= p.unitTokens(), () -> "needle at " + placed + ", wanted " + wanted);
                assertEquals(0, placed % p.unitTokens(), "the needle starts at a filler-unit boundary");
                String needle = tok.decode(Arrays.copyOfRange(p.tokens(), p.needleStart(), p.needleStart() + p.needleTokens()));
                assertTrue(needle.contains("The pass key is 48213. Remember it. 48213 is the pass key."), needle);
                String text = tok.decode(p.tokens());
                assertEquals(2, text.split("48213", -1).length - 1, "the key appears only in the needle");
                assertTrue(text.strip().startsWith("There is an important info hidden"), text);
                assertTrue(text.endsWith("What is the pass key? The pass key is"), text);
            }
        }
    }

    @Test
    void aPhaseRotatesTheFillerAndTheNeedleStillStartsASentence() {
        PasskeyPrompts prompts = new PasskeyPrompts(tok);
        PasskeyPrompt base = prompts.build(517, 0.5, "48213");
        int unit = base.unitTokens();
        int[] u = Arrays.copyOfRange(base.tokens(), base.fillerStart(), base.fillerStart() + unit);
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        for (int phase = 0; phase < unit; phase++) {
            for (double depth : new double[] {0, 0.5, 1}) {
                PasskeyPrompt p = prompts.build(517, depth, "48213", phase);
                int[] t = p.tokens();
                assertEquals(517, t.length);
                assertEquals(u[phase], t[p.fillerStart()], "the filler starts at token " + phase + " of its unit");
                int placed = p.needleStart() - p.fillerStart();
                int lead = (unit - phase) % unit;
                assertEquals(0, (placed - lead) % unit, "the needle follows a whole unit (phase " + phase + ")");
                assertTrue(Math.abs(placed - depth * p.fillerTokens()) <= unit, () -> "needle at " + placed + ", depth " + depth);
                if (placed > 0) {
                    assertEquals(u[unit - 1], t[p.needleStart() - 1], "the filler before the needle ends a sentence");
                }
                String text = tok.decode(t);
                assertEquals(2, text.split("48213", -1).length - 1, "the key appears only in the needle");
                offsets.add(p.needleStart() % 16);
            }
        }
        assertTrue(offsets.size() >= 8, "phases move the needle across page offsets: " + offsets);
        assertThrows(IllegalArgumentException.class, () -> prompts.build(517, 0.5, "48213", unit));
        assertArrayEquals(base.tokens(), prompts.build(517, 0.5, "48213", 0).tokens());
    }

    @Test
    void fillerIsTheUnitRepeatedAroundTheNeedle() {
        PasskeyPrompts prompts = new PasskeyPrompts(tok);
        PasskeyPrompt p = prompts.build(400, 0.5, "12345");
        int unit = p.unitTokens();
        int[] t = p.tokens();
        int after = p.needleStart() + p.needleTokens();
        int fillerEnd = p.fillerStart() + p.fillerTokens() + p.needleTokens();
        for (int i = p.fillerStart() + unit; i < p.needleStart(); i++) {
            assertEquals(t[i - unit], t[i], "filler before the needle repeats at " + i);
        }
        for (int i = after; i < fillerEnd; i++) {
            assertEquals(t[p.fillerStart() + (i - after) % unit], t[i], "filler after the needle restarts the unit at " + i);
        }
    }

    @Test
    void keysAreSeededFiveDigitNumbers() {
        assertEquals(PasskeyEval.key(7, 1024, 3, 2), PasskeyEval.key(7, 1024, 3, 2));
        assertNotEquals(PasskeyEval.key(7, 1024, 3, 2), PasskeyEval.key(7, 1024, 3, 3));
        for (int i = 0; i < 200; i++) {
            String k = PasskeyPrompts.key(i);
            assertTrue(k.matches("[1-9][0-9]{4}"), k);
        }
    }

    @Test
    void scoringNeedsAllFiveDigitsTogether() {
        assertTrue(PasskeyPrompts.correct(" 48213. Remember it.", "48213"));
        assertTrue(PasskeyPrompts.correct("48213", "48213"));
        assertFalse(PasskeyPrompts.correct(" 4821", "48213"));
        assertFalse(PasskeyPrompts.correct(" 48 213", "48213"));
        assertFalse(PasskeyPrompts.correct(null, "48213"));
    }

    @Test
    void tooShortALengthIsRejectedWithTheMinimum() {
        PasskeyPrompts prompts = new PasskeyPrompts(tok);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> prompts.build(20, 0.5, "12345"));
        assertTrue(e.getMessage().contains("needs at least"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> prompts.build(400, 1.5, "12345"));
        assertArrayEquals(prompts.build(400, 0.3, "12345").tokens(), prompts.build(400, 0.3, "12345").tokens());
    }

    @Test
    void smolLm2PromptsAreExactAndStateTheKeyWhereAsked() {
        Engine smol = TestModels.smolLm2Engine(1);
        PasskeyPrompts prompts = new PasskeyPrompts(smol.tokenizer());
        for (double depth : new double[] {0, 0.5, 1}) {
            PasskeyPrompt p = prompts.build(2048, depth, "90210");
            assertEquals(2048, p.tokens().length);
            assertTrue(Math.abs(p.actualDepth() - depth) <= (double) p.unitTokens() / p.fillerTokens());
            String needle = smol.tokenizer().decode(Arrays.copyOfRange(p.tokens(), p.needleStart(), p.needleStart() + p.needleTokens()));
            assertEquals(" The pass key is 90210. Remember it. 90210 is the pass key.", needle);
            assertTrue(smol.tokenizer().decode(p.tokens()).endsWith(" What is the pass key? The pass key is"));
        }
    }
}
