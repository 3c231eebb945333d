package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.questspark.gguf.GgufFile;

/** Locates the test models through the system properties surefire sets, and caches their tokenizers. */
final class TestModels {
    static final String SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf";
    static final String STORIES = "stories260K.gguf";

    private static final Map<Path, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();
    private static final Map<Path, Map<String, Object>> METADATA = new ConcurrentHashMap<>();

    private TestModels() {
    }

    /** SmolLM2-135M-Instruct; skips the test when absent. */
    static Path smollm2() {
        return find("quest.models.dir", SMOLLM2,
                "run bin/fetch-model, or pass -Dquest.models.dir=<dir holding " + SMOLLM2 + ">");
    }

    /** stories260K; skips the test when absent. */
    static Path stories() {
        return find("quest.shared.models", STORIES,
                "see ../shared/models/README.md, or pass -Dquest.shared.models=<dir holding " + STORIES + ">");
    }

    static Path model(String file) {
        return SMOLLM2.equals(file) ? smollm2() : stories();
    }

    private static Path find(String property, String file, String howToGet) {
        String dir = System.getProperty(property);
        Path path = dir == null ? null : Path.of(dir, file);
        assumeTrue(path != null && Files.isRegularFile(path),
                file + " not found (system property " + property + " = " + dir + "); " + howToGet);
        return path;
    }

    static Map<String, Object> metadata(Path gguf) {
        return METADATA.computeIfAbsent(gguf, p -> {
            try {
                try (GgufFile f = GgufFile.open(p)) {
                    return f.metadata();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Tokenizer tokenizer(Path gguf) {
        return TOKENIZERS.computeIfAbsent(gguf, p -> Tokenizer.fromMetadata(metadata(p)));
    }
}
