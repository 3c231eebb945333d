package dev.questspark.sparktests;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.testing.TestModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings for the job tests: the fake model (fast, for the Spark logic) or the real stories260K (located by the
 * shared {@link TestModels} of core-kernel's test-jar).
 */
final class JobSettings {
    private JobSettings() {
    }

    /** The fake model: any existing file stands for the GGUF file. */
    static QuestSettings fake(Path dir, String... overrides) {
        try {
            Path file = dir.resolve("fake.gguf");
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                Files.writeString(file, "not a real model");
            }
            Map<String, String> m = new HashMap<>(Map.of("model", file.toString(),
                    "model-loader", FakeModelLoader.class.getName(), "max-tokens", "16", "chat", "off",
                    "partitions", "2", "chunk-overlap", "16", "qa-chunk-tokens", "96"));
            return QuestSettings.defaults().with(m).with(pairs(overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The real tiny model stories260K with the engine; the test fails when the committed file is not found. Its
     * context is 512 tokens as trained (the header says 2048); it has no chat template.
     */
    static QuestSettings stories(String... overrides) {
        Path model = TestModels.stories();
        Map<String, String> m = new HashMap<>(Map.of("model", model.toString(), "max-tokens", "24", "chat", "auto",
                "context-tokens", "512", "partitions", "2", "chunk-overlap", "32", "qa-chunk-tokens", "96",
                "threads", "1"));
        return QuestSettings.defaults().with(m).with(pairs(overrides));
    }

    static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
