package dev.questspark.arrow;

import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;

/** The tiny real model stories260K (from -Dquest.test.models) and a document to prefill, for arrow-io tests. */
final class StoriesModel {
    static final String FILE = "stories260K.gguf";
    static final String DOCUMENT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball in the tree. She wanted to play with it, but it was too high. Lily asked her mom";
    /** Pages of 8 tokens and a budget of two pages, so decoding the document really selects pages. */
    static final QuestConfig QUEST = QuestConfig.quest().withPageSize(8).withTokenBudget(16);
    static final int CONTEXT = 256;

    private StoriesModel() {}

    /** The committed model file (-Dquest.test.models); the test fails when it is not there. */
    static Path path() {
        String dir = System.getProperty("quest.test.models");
        Path p = dir == null ? null : Path.of(dir, FILE);
        if (p == null || !Files.isRegularFile(p)) {
            throw new AssertionFailedError(FILE + " not found (quest.test.models=" + dir + "): it is committed in "
                    + "core-kernel/src/test/resources/models and the build passes that folder; run the tests through Maven");
        }
        return p;
    }

    /** The engine of this JVM for stories260K (one thread: the machine is shared). */
    static Engine engine() {
        return Engine.shared(path(), 1);
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
