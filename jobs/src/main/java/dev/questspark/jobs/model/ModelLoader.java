package dev.questspark.jobs.model;

import java.nio.file.Path;

/**
 * Makes a {@link DocumentModel} from a local model file. Implementations need a public no-argument constructor:
 * executors instantiate them by class name.
 */
public interface ModelLoader {
    DocumentModel load(Path modelFile, int threads);

    /**
     * Checks on the driver, before any task starts, that the file can be loaded, without loading it for use;
     * throws with a one-line message naming the file and what is wrong. The default checks nothing.
     */
    default void validate(Path modelFile) {
    }
}
