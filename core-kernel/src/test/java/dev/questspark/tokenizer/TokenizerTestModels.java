package dev.questspark.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.questspark.gguf.GgufFile;
import dev.questspark.testing.TestModels;

/** The test models' metadata and tokenizers, read once per test JVM; files are located by the shared TestModels. */
final class TokenizerTestModels {
    private static final Map<Path, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();
    private static final Map<Path, Map<String, Object>> METADATA = new ConcurrentHashMap<>();

    private TokenizerTestModels() {
    }

    /** SmolLM2-135M-Instruct; skips the test when absent. */
    static Path smollm2() {
        return TestModels.smolLm2();
    }

    /** The model a fixture file names; skips the test when absent. */
    static Path model(String file) {
        if (TestModels.GEMMA3.equals(file)) {
            return TestModels.gemma3();
        }
        return TestModels.SMOLLM2.equals(file) ? TestModels.smolLm2() : TestModels.stories();
    }

    static Map<String, Object> metadata(Path gguf) {
        return METADATA.computeIfAbsent(gguf, p -> {
            try (GgufFile f = GgufFile.open(p)) {
                return f.metadata();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Tokenizer tokenizer(Path gguf) {
        return TOKENIZERS.computeIfAbsent(gguf, p -> Tokenizer.fromMetadata(metadata(p)));
    }
}
