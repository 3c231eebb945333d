package dev.questspark.jobs.model;

import dev.questspark.engine.Engine;

import java.nio.file.Path;

/** Loads GGUF models with the project's engine: one {@link Engine} per JVM per (file, threads), shared by all tasks. */
public final class EngineModelLoader implements ModelLoader {
    @Override
    public DocumentModel load(Path modelFile, int threads) {
        return new EngineDocumentModel(Engine.shared(modelFile, threads));
    }

    /** The engine's validation: header, tokenizer, hyper-parameters and tensor shapes; no weights read, no native code. */
    @Override
    public void validate(Path modelFile) {
        Engine.validate(modelFile);
    }
}
