package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;

/** A document on the tiny real model stories260K (located by the shared TestModels), prefilled for arrow-io tests. */
final class StoriesDocument {
    static final String DOCUMENT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball in the tree. She wanted to play with it, but it was too high. Lily asked her mom";
    /** Pages of 8 tokens and a budget of two pages, so decoding the document really selects pages. */
    static final QuestConfig QUEST = QuestConfig.quest().withPageSize(8).withTokenBudget(16);
    static final int CONTEXT = 256;

    private StoriesDocument() {}

    /** The engine of this JVM for stories260K (one thread: the machine is shared). */
    static Engine engine() {
        return Engine.shared(TestModels.stories(), 1);
    }

    static int[] documentTokens(Engine engine) {
        return engine.encodePrompt(DOCUMENT, false);
    }

    /** A session holding the document, prefilled. */
    static DecoderSession prefilled(Engine engine, QuestConfig quest) {
        DecoderSession s = engine.newSession(quest, CONTEXT);
        s.prefill(documentTokens(engine));
        return s;
    }
}
