package dev.questspark.engine;

import dev.questspark.gguf.GgufFile;
import dev.questspark.kernel.Kernels;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.BlockVariant;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.model.LlamaWeights;
import dev.questspark.quest.KvMemoryBudget;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.tokenizer.ChatMessage;
import dev.questspark.tokenizer.ChatTemplate;
import dev.questspark.tokenizer.ChatTemplateException;
import dev.questspark.tokenizer.Tokenizer;
import dev.questspark.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model: memory-mapped weights, tokenizer and chat template. Thread-safe and shared by every session
 * of a JVM ({@link #shared}); each decode runs in its own {@link DecoderSession}.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final Map<String, Engine> SHARED = new ConcurrentHashMap<>();

    private final GgufFile gguf;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate; // null when the model has no template we know
    private final String chatTemplateProblem;
    private final ModelInfo info;
    private final int threads;

    private Engine(Checked m, int threads) {
        this.threads = threads;
        this.gguf = m.gguf();
        this.tokenizer = m.tokenizer();
        this.model = new LlamaModel(m.config(), m.variant(), m.weights(), Kernels.matmul(), Kernels.activations());
        this.chatTemplate = m.chatTemplate();
        this.chatTemplateProblem = m.chatTemplateProblem();
        this.info = m.info();
        LlamaConfig config = m.config();
        LOG.info("Loaded {} ({}, {} layers, dim {}, {} heads / {} KV heads, context {}) from {} with kernel {}",
                info.name(), config.architecture(), config.layers(), config.dim(), config.heads(), config.kvHeads(),
                config.contextLength(), info.path(), model.kernel().name());
    }

    /** A model file parsed and checked: everything an engine needs but the kernels. */
    private record Checked(GgufFile gguf, Tokenizer tokenizer, LlamaConfig config, BlockVariant variant, LlamaWeights weights,
                           ChatTemplate chatTemplate, String chatTemplateProblem, ModelInfo info) {
    }

    /**
     * Opens and checks a model file: header, tokenizer, hyper-parameters and every tensor's shape and type. Cheap (the
     * weights are memory-mapped, not read) and independent of the native kernel.
     *
     * @throws ModelLoadException naming the file and what is wrong with it
     */
    private static Checked check(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException(path, Files.isDirectory(path) ? "is a directory; expected a GGUF model file"
                    : "does not exist; run bin/fetch-model or pass --model PATH to a GGUF file");
        }
        GgufFile gguf;
        try {
            gguf = GgufFile.open(path);
        } catch (IOException e) {
            throw new ModelLoadException(path, e);
        }
        try {
            Tokenizer tokenizer = Tokenizer.fromMetadata(gguf.metadata());
            LlamaConfig config = LlamaConfig.from(gguf, tokenizer.vocabSize());
            BlockVariant variant = BlockVariant.of(gguf, config);
            LlamaWeights weights = new LlamaWeights(gguf, config, variant);
            ChatTemplate template = null;
            String problem = null;
            try {
                template = ChatTemplate.fromMetadata(gguf.metadata());
            } catch (ChatTemplateException e) {
                problem = e.getMessage();
            }
            ModelInfo info = new ModelInfo(gguf.getString("general.name", path.getFileName().toString()),
                    config.architecture(), config.contextLength(), config.layers(), config.heads(), config.kvHeads(),
                    config.headDim(), config.vocabSize(), ModelFingerprint.of(path), path);
            return new Checked(gguf, tokenizer, config, variant, weights, template, problem, info);
        } catch (IOException | TokenizerException e) {
            closeQuietly(gguf, e);
            throw new ModelLoadException(path, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(gguf, e);
            throw e;
        }
    }

    private static void closeQuietly(GgufFile gguf, Throwable failure) {
        try {
            gguf.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * Checks that a model file can be loaded, without loading it: the header, tokenizer, hyper-parameters and tensor
     * shapes are read and validated, the weights are not, and no native code runs. For a driver, before any task
     * starts.
     *
     * @return what the model is
     * @throws ModelLoadException with a one-line message naming the file and what is wrong with it
     */
    public static ModelInfo validate(Path ggufPath) {
        Checked m = check(ggufPath);
        try {
            m.gguf().close();
        } catch (IOException e) {
            LOG.debug("Closing {} after validating it failed: {}", ggufPath, e.toString());
        }
        return m.info();
    }

    /**
     * Loads a GGUF model; sessions default to the given number of threads.
     *
     * @throws ModelLoadException with a one-line message naming the file and what is wrong with it
     */
    public static Engine load(Path ggufPath, int threads) {
        Checked m = check(ggufPath);
        try {
            return new Engine(m, threads);
        } catch (RuntimeException | Error e) {
            closeQuietly(m.gguf(), e);
            throw e;
        }
    }

    /** The engine of this JVM for (path, threads), loaded on first use and never closed by callers. */
    public static Engine shared(Path ggufPath, int threads) {
        String key = ggufPath.toAbsolutePath().normalize() + "#" + threads;
        return SHARED.computeIfAbsent(key, k -> load(ggufPath, threads));
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ModelInfo info() {
        return info;
    }

    public LlamaModel model() {
        return model;
    }

    public int threads() {
        return threads;
    }

    /**
     * Tokenizes a prompt. With chat, the text is the single user message of the model's chat template (special
     * tokens parsed); without, the raw text (BOS added when the model asks for it, special tokens left as text).
     */
    public int[] encodePrompt(String text, boolean chat) {
        if (!chat) {
            return tokenizer.encode(text, tokenizer.addBosByDefault(), false);
        }
        if (chatTemplate == null) {
            throw new IllegalArgumentException("model " + info.name() + " has no usable chat template (" + chatTemplateProblem
                    + "); use a raw prompt instead");
        }
        String rendered = chatTemplate.render(List.of(new ChatMessage("user", text)), true);
        return tokenizer.encode(rendered, tokenizer.addBosByDefault(), true);
    }

    /**
     * A session whose paged KV cache holds up to maxContextTokens (at most the model's trained context) and
     * attends as quest says, within quest's KV memory budget; it uses the engine's thread count.
     */
    public DecoderSession newSession(QuestConfig quest, int maxContextTokens) {
        return newSession(quest, maxContextTokens, java.util.function.UnaryOperator.identity());
    }

    /**
     * {@link #newSession(QuestConfig, int)} with the cache's shape adjusted by shape (for example a sliding window on
     * a small model, to test the window layers quickly; or the store-everything twin of the window layers).
     */
    public DecoderSession newSession(QuestConfig quest, int maxContextTokens, java.util.function.UnaryOperator<PagedKvCacheConfig> shape) {
        LlamaConfig c = model.config();
        int capacity = Math.min(maxContextTokens, c.contextLength());
        if (capacity < 1) {
            throw new IllegalArgumentException("a session needs a context of at least 1 token, got " + maxContextTokens);
        }
        BlockVariant v = model.variant();
        QuestConfig q = quest.forArchitecture(c.architecture());
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), capacity, q,
                q.kvMemoryBudget()).withSlidingWindow(v.slidingWindow(), v.slidingLayers());
        PagedKvCacheConfig shaped = shape.apply(kv);
        return new DecoderSession(model, tokenizer, pool -> new PagedKvCache(shaped, pool), EngineSettings.prefillBlock(), threads);
    }

    /**
     * A continuous-batching decoder running up to batchSize sequences per step on the engine's thread count, each in
     * a paged KV cache of at most maxContextTokens (within the model's context) attending as quest says; their caches
     * together stay within quest's {@code kv-memory-budget}. Close it to stop its driver thread.
     */
    public BatchDecoder newBatchDecoder(QuestConfig quest, int maxContextTokens, int batchSize) {
        return newBatchDecoder(quest, maxContextTokens, batchSize, quest.kvMemoryBudget());
    }

    /** {@link #newBatchDecoder(QuestConfig, int, int)} with the batch's KV memory budget in bytes. */
    public BatchDecoder newBatchDecoder(QuestConfig quest, int maxContextTokens, int batchSize, long kvMemoryBudget) {
        return newBatchDecoder(quest, maxContextTokens, batchSize, new KvMemoryBudget(kvMemoryBudget));
    }

    /**
     * {@link #newBatchDecoder(QuestConfig, int, int)} reserving KV storage in a budget that other caches (documents its
     * sequences continue) may share.
     */
    public BatchDecoder newBatchDecoder(QuestConfig quest, int maxContextTokens, int batchSize, KvMemoryBudget budget) {
        return new BatchDecoder(model, tokenizer, quest, maxContextTokens, batchSize,
                threads, budget, EngineSettings.prefillBlock());
    }

    /** A session over a KV cache of the caller's (its shape must match the model), for tests and tools. */
    public DecoderSession newSession(KvCache cache, int threads) {
        return new DecoderSession(model, tokenizer, pool -> cache, EngineSettings.prefillBlock(), threads);
    }

    @Override
    public void close() {
        SHARED.values().remove(this);
        try {
            gguf.close();
        } catch (IOException e) {
            LOG.warn("Closing {} failed: {}", info.path(), e.toString());
        }
    }

    /** Threads when none are configured: the quest.threads property or the available processors. */
    public static int defaultThreads() {
        return Parallel.defaultThreads();
    }
}
