package dev.questspark.jobs.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SentencesTest {
    @Test
    void aTextCutMidSentenceEndsAtItsLastCompleteSentence() {
        assertEquals("The licence is free. It allows copying.",
                Sentences.trimToLastComplete("The licence is free. It allows copying. It also lets you cha"));
        assertEquals("He said \"stop.\"", Sentences.trimToLastComplete("He said \"stop.\" Then he went"));
        assertEquals("Done!", Sentences.trimToLastComplete("  Done!  "));
        // Cutting would keep less than half: the text stays as it is.
        assertEquals("Short. And then a long unfinished sentence that goes on and on",
                Sentences.trimToLastComplete("Short. And then a long unfinished sentence that goes on and on"));
        // A period inside a number is not a sentence end.
        assertEquals("Version 2.0 of the licence was published in January 2004.",
                Sentences.trimToLastComplete("Version 2.0 of the licence was published in January 2004. It"));
        assertEquals("The text of the licence version 2.0 was then",
                Sentences.trimToLastComplete("The text of the licence version 2.0 was then"));
        assertEquals("", Sentences.trimToLastComplete(" "));
    }

    @Test
    void aSummaryKeepsItsFirstSentences() {
        String t = "It is a licence. It allows copying (with notice.) It is free! Is it? Yes.";
        assertEquals("It is a licence.", Sentences.first(t, 1));
        assertEquals("It is a licence. It allows copying (with notice.)", Sentences.first(t, 2));
        assertEquals("It is a licence. It allows copying (with notice.) It is free! Is it?", Sentences.first(t, 4));
        assertEquals(t, Sentences.first(t, 5));
        assertEquals(t, Sentences.first(t, 0));
        // A period inside a number, or a sentence without an end, counts as nothing.
        assertEquals("Version 2.0 of the licence came in 2007. It replaced 1.0.",
                Sentences.first("Version 2.0 of the licence came in 2007. It replaced 1.0. It is longer", 2));
        assertEquals("no end at all", Sentences.first("  no end at all ", 1));
    }
}
