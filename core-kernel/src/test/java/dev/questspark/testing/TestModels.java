package dev.questspark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.questspark.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;

/**
 * Locates the model files tests read. The tiny stories260K model is committed (core-kernel's test resources), so a
 * test needing it fails when it is missing; the default SmolLM2 model and Gemma 3 270M are downloaded by
 * bin/fetch-model (CI runs it first), so a test needing one is skipped, with how to get the file, when it is absent.
 * The engines of these files are shared by every test class of one test JVM (loading them again per class cost
 * seconds per class); a test must not close them or change what they hold.
 */
public final class TestModels {
    public static final String STORIES = "stories260K.gguf";
    public static final String SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf";
    public static final String GEMMA3 = "gemma-3-270m-q4_k_m.gguf";
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
        return downloaded(SMOLLM2, "run bin/fetch-model to download it into models/, or pass -Dquest.models.dir=DIR");
    }

    /** Gemma 3 270M (Q4_K_M) from {@code -Dquest.models.dir}, or the test is skipped. */
    public static Path gemma3() {
        return downloaded(GEMMA3, "run bin/fetch-model gemma3-270m to download it into models/, or pass "
                + "-Dquest.models.dir=DIR");
    }

    /** The engine of {@link #stories()} on threads threads, loaded once per test JVM and shared (never closed). */
    public static Engine storiesEngine(int threads) {
        return Engine.shared(stories(), threads);
    }

    /** The engine of {@link #smolLm2()}, shared like {@link #storiesEngine}; the test is skipped without the file. */
    public static Engine smolLm2Engine(int threads) {
        return Engine.shared(smolLm2(), threads);
    }

    /** The engine of {@link #gemma3()}, shared like {@link #storiesEngine}; the test is skipped without the file. */
    public static Engine gemma3Engine(int threads) {
        return Engine.shared(gemma3(), threads);
    }

    private static Path downloaded(String name, String howToGet) {
        String dir = System.getProperty("quest.models.dir");
        Path p = dir == null ? null : Path.of(dir, name);
        assumeTrue(p != null && Files.isRegularFile(p), () -> name + " not found (quest.models.dir=" + dir + "): " + howToGet);
        return p;
    }
}
