package dev.questspark.jobs.model;

import dev.questspark.engine.ModelLoadException;

import java.nio.file.Path;

/**
 * Validates the model on the driver before any task starts, so a model that cannot load (a damaged or foreign
 * file, hyper-parameters the engine refuses) fails the job at once with one message, instead of failing every
 * task or erroring every row. The loader's validation reads the header, metadata and tensor shapes; nothing is
 * computed and the driver keeps nothing loaded.
 */
public final class ModelPreflight {
    private ModelPreflight() {
    }

    /** Throws {@link ModelLoadException} ("cannot load model FILE: what is wrong") when the model cannot load. */
    public static void validate(String loaderClass, Path driverFile) {
        ModelLoader loader = SharedModels.instantiate(loaderClass);
        try {
            loader.validate(driverFile);
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(driverFile, e);
        }
    }
}
