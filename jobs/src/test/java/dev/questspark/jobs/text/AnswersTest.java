package dev.questspark.jobs.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AnswersTest {
    @Test
    void aRestatedQuestionIsCutAtItsLinkingVerb() {
        assertEquals("The Regents of the University of California", Answers.forQuestion("Who holds the copyright of this license text?",
                "Who holds the copyright of this license text is The Regents of the University of California."));
        assertEquals("Revised Versions of this License", Answers.forQuestion("What is the title of section 14?",
                "The title of section 14 is \"Revised Versions of this License\"."));
        assertEquals("Exhibit A", Answers.forQuestion("Which exhibit holds the Source Code Form license notice?",
                "The exhibit that holds the Source Code Form license notice is Exhibit A."));
        assertEquals("version 3 of the GNU General Public License", Answers.forQuestion("What does the \"GNU GPL\" refer to?",
                "The \"GNU GPL\" refers to version 3 of the GNU General Public License."));
    }

    @Test
    void onlyTheFirstLineIsKept() {
        assertEquals("released in January 2004",
                Answers.forQuestion("In which month and year was version 2.0 of the Apache License published?",
                        "Version 2.0 of the Apache License was released in January 2004.\nIt replaced version 1.1."));
        // Nothing after the restatement: the reply stays.
        assertEquals("The text is", Answers.forQuestion("Who signs the disclaimer?", "The text is:"));
    }

    @Test
    void aQuestionThatIsNotFactualKeepsTheWholeReply() {
        String reply = "Because the licence wants users to be free.\nIt also protects authors.";
        assertEquals(reply, Answers.forQuestion("Why does the licence exist?", reply));
    }
}
