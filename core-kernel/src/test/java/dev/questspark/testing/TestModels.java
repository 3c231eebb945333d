package dev.questspark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;

/**
 * Locates the model files tests read. The tiny stories260K model is committed (core-kernel's test resources), so a
 * test needing it fails when it is missing; the default SmolLM2 model is downloaded by bin/fetch-model (CI runs it
 * first), so a test needing it is skipped, with how to get the file, when it is absent.
 */
public final class TestModels {
    public static final String STORIES = "stories260K.gguf";
    public static final String SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf";
    /** The folder holding {@value #STORIES}; the build sets it to core-kernel/src/test/resources/models. */
    public static final String TEST_MODELS_PROPERTY = "quest.test.models";

    private TestModels() {
    }

    /** The tiny stories260K model from {@code -Dquest.test.models}; fails the test when it is not there. */
    public static Path stories() {
        String dir = System.getProperty(TEST_MODELS_PROPERTY);
        Path p = dir == null ? null : Path.of(dir, STORIES);
        if (p == null || !Files.isRegularFile(p)) {
            throw new AssertionFailedError(STORIES + " not found (" + TEST_MODELS_PROPERTY + "=" + dir + "): it is committed in "
                    + "core-kernel/src/test/resources/models and the build passes that folder; run the tests through Maven "
                    + "or pass -D" + TEST_MODELS_PROPERTY + "=DIR");
        }
        return p;
    }

    /** The default SmolLM2 model from {@code -Dquest.models.dir}, or the test is skipped. */
    public static Path smolLm2() {
        String dir = System.getProperty("quest.models.dir");
        Path p = dir == null ? null : Path.of(dir, SMOLLM2);
        assumeTrue(p != null && Files.isRegularFile(p), () -> SMOLLM2 + " not found (quest.models.dir=" + dir
                + "): run bin/fetch-model to download it into models/, or pass -Dquest.models.dir=DIR");
        return p;
    }
}
