package dev.questspark.jobs.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroundingTest {
    private static final String DOC = "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n\nCopyright (C) 1989, 1991 Free Software"
            + " Foundation, Inc.\n\nThe licenses for most software are designed to take away your freedom to share and change"
            + " it. By contrast, the GNU General Public License is intended to guarantee your freedom.";

    @Test
    void anAnswerFoundInTheDocumentStays() {
        Grounding.Answer a = Grounding.check("Who holds the copyright?", "Free Software Foundation, Inc.", DOC);
        assertEquals("Free Software Foundation, Inc.", a.text());
        assertNull(a.note());
    }

    @Test
    void anInventedOrEchoedAnswerBecomesTheBestSentence() {
        Grounding.Answer invented = Grounding.check("When was version 2 published?", "It was released on 2013-01-01.", DOC);
        assertEquals("GNU GENERAL PUBLIC LICENSE Version 2, June 1991", invented.text());
        assertTrue(invented.note().contains("'It was released on 2013-01-01.' was not found"), invented.note());
        Grounding.Answer echo = Grounding.check("Who holds the copyright?", "Who holds the copyright", DOC);
        assertTrue(echo.text().startsWith("Copyright (C) 1989, 1991"), echo.text());
    }

    @Test
    void groundedMeansMostContentWordsInTheDocumentAndNotOnlyTheQuestions() {
        assertTrue(Grounding.grounded("Who?", "the Free Software Foundation", DOC));
        assertFalse(Grounding.grounded("Who holds the copyright?", "the copyright", DOC));
        assertFalse(Grounding.grounded("Who?", "", DOC));
        assertFalse(Grounding.grounded("Who?", "Richard Stallman of MIT", DOC));
    }

    @Test
    void noSentenceScoresWhenNoQuestionWordOccurs() {
        assertNull(Grounding.bestSentence("Zebra?", DOC));
        assertEquals("nonsense", Grounding.check("Zebra?", "nonsense", DOC).text(), "nothing better to give");
    }
}
