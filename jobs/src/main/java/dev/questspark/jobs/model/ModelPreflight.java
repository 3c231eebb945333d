package dev.questspark.jobs.model;

import java.nio.file.Path;

/**
 * Loads the model on the driver before any task starts, so a model that cannot load (a damaged or foreign file,
 * hyper-parameters the engine refuses) fails the job at once with one message, instead of failing or erroring
 * every task and row. Loading maps the weights and reads the header, metadata and tokenizer; nothing is computed.
 * The model is kept in {@link SharedModels}, so in local mode the tasks reuse it.
 */
public final class ModelPreflight {
    private ModelPreflight() {
    }

    /** The loaded model; throws {@link ModelLoadException} when it cannot load, naming the file and the problem. */
    public static DocumentModel load(String loaderClass, String location, Path driverFile, int threads, String chat) {
        DocumentModel model;
        try {
            model = SharedModels.get(loaderClass, driverFile, threads);
        } catch (RuntimeException | LinkageError e) {
            throw new ModelLoadException(location, e);
        }
        if ("on".equals(chat) && !model.hasChatTemplate()) {
            throw new IllegalArgumentException("model " + model.name() + " has no chat template; set chat to auto or off");
        }
        return model;
    }
}
