package dev.questspark.jobs.model;

import java.nio.file.Path;

/**
 * Makes a {@link DocumentModel} from a local model file. Implementations need a public no-argument constructor:
 * executors instantiate them by class name.
 */
public interface ModelLoader {
    DocumentModel load(Path modelFile, int threads);
}
