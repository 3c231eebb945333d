package dev.questspark.engine;

import dev.questspark.gguf.GgufFile;
import dev.questspark.kernel.Kernels;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.KvCache;
import dev.questspark.model.LlamaConfig;
import dev.questspark.model.LlamaModel;
import dev.questspark.model.LlamaWeights;
import dev.questspark.quest.PagedKvCache;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.tokenizer.ChatMessage;
import dev.questspark.tokenizer.ChatTemplate;
import dev.questspark.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    private Engine(Path path, int threads) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("model file " + path + " does not exist; run bin/fetch-model or pass --model PATH to a GGUF file");
        }
        this.threads = threads;
        this.gguf = GgufFile.open(path);
        this.tokenizer = Tokenizer.fromMetadata(gguf.metadata());
        LlamaConfig config = LlamaConfig.from(gguf, tokenizer.vocabSize());
        this.model = new LlamaModel(config, new LlamaWeights(gguf, config), Kernels.matmul(), Kernels.activations());
        ChatTemplate template = null;
        String problem = null;
        try {
            template = ChatTemplate.fromMetadata(gguf.metadata());
        } catch (dev.questspark.tokenizer.ChatTemplateException e) {
            problem = e.getMessage();
        }
        this.chatTemplate = template;
        this.chatTemplateProblem = problem;
        this.info = new ModelInfo(gguf.getString("general.name", path.getFileName().toString()), config.architecture(),
                config.contextLength(), config.layers(), config.heads(), config.kvHeads(), config.headDim(),
                config.vocabSize(), ModelFingerprint.of(path), path);
        LOG.info("Loaded {} ({}, {} layers, dim {}, {} heads / {} KV heads, context {}) from {} with kernel {}",
                info.name(), config.architecture(), config.layers(), config.dim(), config.heads(), config.kvHeads(),
                config.contextLength(), path, model.kernel().name());
    }

    /** Loads a GGUF model; sessions default to the given number of threads. */
    public static Engine load(Path ggufPath, int threads) {
        try {
            return new Engine(ggufPath, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
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
     * attends as quest says; it uses the engine's thread count.
     */
    public DecoderSession newSession(QuestConfig quest, int maxContextTokens) {
        LlamaConfig c = model.config();
        int capacity = Math.min(maxContextTokens, c.contextLength());
        if (capacity < 1) {
            throw new IllegalArgumentException("a session needs a context of at least 1 token, got " + maxContextTokens);
        }
        PagedKvCacheConfig kv = new PagedKvCacheConfig(c.layers(), c.heads(), c.kvHeads(), c.headDim(), capacity, quest,
                EngineSettings.kvMemoryBudget());
        return new DecoderSession(model, tokenizer, pool -> new PagedKvCache(kv, pool), EngineSettings.prefillBlock(), threads);
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
