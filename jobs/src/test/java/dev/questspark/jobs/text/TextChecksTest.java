package dev.questspark.jobs.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextChecksTest {
    @Test
    void acceptsOrdinaryText() {
        assertNull(TextChecks.problem("text", "Hello, world.\n\tIndented line; ünïcödé and emoji \uD83D\uDE00.", true));
        assertNull(TextChecks.problem("text", "one stray \uFFFD in a long enough sentence is tolerated", null));
    }

    @Test
    void namesEachKindOfBadText() {
        assertEquals("text is null", TextChecks.problem("text", null, null));
        assertEquals("text is empty", TextChecks.problem("text", "", true));
        assertEquals("question is empty (whitespace only)", TextChecks.problem("question", " \n\t", true));
        assertEquals("text is not valid UTF-8", TextChecks.problem("text", "caf\uFFFD", false));
        assertTrue(TextChecks.problem("text", "PNG\u0000\u0001\u0002IHDR", true).startsWith("text looks like binary data"));
        assertTrue(TextChecks.problem("text", "\uFFFD\uFFFD\uFFFDab\uFFFD", null).startsWith("text was not valid UTF-8 when read"));
    }
}
