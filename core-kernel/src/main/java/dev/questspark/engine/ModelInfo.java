package dev.questspark.engine;

import java.nio.file.Path;

/** What a loaded model is: names, shapes, and a fingerprint that KV snapshots and caches are keyed by. */
public record ModelInfo(String name, String architecture, int contextLength, int layers, int heads, int kvHeads,
                        int headDim, int vocabSize, String fingerprint, Path path) {
}
