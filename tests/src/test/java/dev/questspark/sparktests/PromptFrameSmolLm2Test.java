package dev.questspark.sparktests;

import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.EngineModelLoader;
import dev.questspark.jobs.text.PromptFrame;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prompt frame found for SmolLM2's ChatML template, and a prompt assembled from separately tokenized parts
 * giving the tokens the engine gives for the whole message (so reusing a document's KV cache changes nothing).
 */
class PromptFrameSmolLm2Test {
    private static DocumentModel smolLm2() {
        return new EngineModelLoader().load(TestModels.smolLm2(), 1);
    }

    @Test
    void chatFrameIsTheTemplateAroundTheUserMessage() {
        DocumentModel m = smolLm2();
        assertTrue(m.hasChatTemplate());
        PromptFrame f = PromptFrame.discover(m, true);
        String prefix = m.decode(f.prefix());
        assertTrue(prefix.endsWith("user\n"), prefix);
        assertEquals("\nassistant\n", m.decode(f.suffix()), "control tokens decode to nothing");
    }

    @Test
    void assembledPromptEqualsTheWholeMessageTokenizedAtOnce() {
        DocumentModel m = smolLm2();
        PromptFrame f = PromptFrame.discover(m, true);
        String doc = "Tom had a red kite. He ran to the hill with his dog.";
        PromptTemplate.Segments s = Tasks.answer(true).build(m, f, m.encode(doc), "What colour was the kite?");
        int[] assembled = new int[s.length()];
        System.arraycopy(s.document(), 0, assembled, 0, s.document().length);
        System.arraycopy(s.tail(), 0, assembled, s.document().length, s.tail().length);
        int[] whole = m.encodePrompt("Text:\n" + doc + "\n\nQuestion: What colour was the kite?\nAnswer the question with a"
                + " short phrase copied from the text above.", true);
        assertArrayEquals(whole, assembled);
    }
}
