package dev.questspark.jobs.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One model per executor JVM for each (loader, file, threads): the tasks of an executor share the weights,
 * loaded lazily by the first task that needs them, and never closed (they live as long as the executor).
 */
public final class SharedModels {
    /** Loads GGUF files with the project's engine; tests substitute a fake loader through the model-loader setting. */
    public static final String ENGINE_LOADER = "dev.questspark.jobs.model.EngineModelLoader";
    private record Key(String loader, Path file, int threads) {
    }

    private static final Map<Key, DocumentModel> MODELS = new ConcurrentHashMap<>();

    private SharedModels() {
    }

    public static DocumentModel get(String loaderClass, Path file, int threads) {
        Key key = new Key(loaderClass, file.toAbsolutePath().normalize(), threads);
        return MODELS.computeIfAbsent(key, k -> instantiate(k.loader()).load(k.file(), k.threads()));
    }

    static ModelLoader instantiate(String loaderClass) {
        try {
            Class<?> c = Class.forName(loaderClass, true, Thread.currentThread().getContextClassLoader());
            return (ModelLoader) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("cannot make model loader " + loaderClass
                    + ": it must implement " + ModelLoader.class.getName() + " with a public no-argument constructor", e);
        }
    }
}
