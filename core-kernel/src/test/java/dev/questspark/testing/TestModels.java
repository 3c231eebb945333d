package dev.questspark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the model files tests read, skipping a test (with how to get the file) when one is absent. */
public final class TestModels {
    public static final String STORIES = "stories260K.gguf";
    public static final String SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf";

    private TestModels() {
    }

    /** The tiny stories260K model from {@code -Dquest.shared.models}, or the test is skipped. */
    public static Path stories() {
        return find("quest.shared.models", STORIES, "it lives in ../shared/models beside the project; pass "
                + "-Dquest.shared.models=DIR to point at another copy");
    }

    /** The default SmolLM2 model from {@code -Dquest.models.dir}, or the test is skipped. */
    public static Path smolLm2() {
        return find("quest.models.dir", SMOLLM2, "run bin/fetch-model to download it into models/, or pass "
                + "-Dquest.models.dir=DIR");
    }

    private static Path find(String property, String name, String howToGet) {
        String dir = System.getProperty(property);
        Path p = dir == null ? null : Path.of(dir, name);
        assumeTrue(p != null && Files.isRegularFile(p), () -> name + " not found (" + property + "=" + dir
                + "): " + howToGet);
        return p;
    }
}
