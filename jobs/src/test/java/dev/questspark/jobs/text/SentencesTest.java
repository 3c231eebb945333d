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
}
