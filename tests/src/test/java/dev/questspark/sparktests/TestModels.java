package dev.questspark.sparktests;

import dev.questspark.jobs.config.QuestSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Settings for the job tests: the fake model (fast, for the Spark logic) or the real stories260K. */
final class TestModels {
    private TestModels() {
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

    static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
