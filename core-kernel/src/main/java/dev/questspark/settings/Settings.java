package dev.questspark.settings;

import static dev.questspark.settings.Setting.Group.ATTENTION;
import static dev.questspark.settings.Setting.Group.DOCUMENTS;
import static dev.questspark.settings.Setting.Group.MODEL;
import static dev.questspark.settings.Setting.Group.QA;
import static dev.questspark.settings.Setting.Group.SAMPLING;
import static dev.questspark.settings.Setting.atLeast;
import static dev.questspark.settings.Setting.choice;
import static dev.questspark.settings.Setting.oneOf;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.engine.Penalties;
import dev.questspark.quest.QuestConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings of a generation run, one validated serializable value for every row of the table below: the
 * command-line flags, the keys of conf/quest-defaults.properties, the {@code spark.quest.<name>} Spark conf keys and
 * the params of the {@code QuestGenerator} transformer are all made from this table, and the driver ships one
 * {@code Settings} to the executors, where {@link #quest()} and {@link #generation()} give the engine's records.
 * Layering (later wins): the table's defaults, the defaults file, Spark conf, flags or transformer params.
 *
 * <h2>Adding a setting</h2>
 * <ol>
 * <li>Add one line to the table, in its group ({@link Setting.Group} says which commands take it as a flag):
 * <pre>{@code
 * public static final Setting<Integer> BATCH_SIZE = add(integer(MODEL, "batch-size", 1, "N",
 *         "sequences one task decodes together", atLeast(1)));
 * public static final Setting<Float> REPEAT_PENALTY = add(real(SAMPLING, "repeat-penalty", 1f, "P",
 *         "divide the logits of the last repeat-last-n tokens by P (1: off)", v -> v > 0 ? null : "must be positive"));
 * }</pre>
 * The types are {@code integer} (Integer), {@code longInt} (Long), {@code real} (Float), {@code decimal} (Double),
 * {@code bytes} (Long, read with suffixes such as 512m) and {@code text} (a String among given choices); the last
 * argument checks one value: null when it is valid, else what it must be ({@code atLeast(1)},
 * {@code oneOf(8, 16)}, {@code any()} or a lambda). That one line makes {@code --batch-size} a flag
 * with its help and default in {@code bin/quest <command> --help}, {@code batch-size=} a key of the defaults file and
 * {@code spark.quest.batch-size} a Spark conf key, and {@code batchSize} a param of QuestGenerator
 * ({@code setSetting("batch-size", "8")}, or {@code set(generator.getParam("batchSize"), 8)}); the value reaches
 * the executors inside {@code GeneratorSettings.settings()}.</li>
 * <li>Consume it where it is used: {@code settings.get(Settings.BATCH_SIZE)}. When it belongs to one of the
 * engine's records, add the field there (and its rules between settings) and set it in {@link #quest()}
 * (QuestConfig: attention and KV cache) or {@link #generation()} (GenerationConfig: sampling, e.g. the
 * penalties {@code repeat-penalty}, {@code repeat-last-n}, {@code frequency-penalty}, {@code presence-penalty},
 * {@code no-repeat-ngram-size}).</li>
 * <li>Optionally document it with a comment in conf/quest-defaults.properties (a test checks that every key there
 * is valid and equal to the table's default), give QuestGenerator a typed fluent setter calling
 * {@code set(Settings.BATCH_SIZE, v)}, and mention it in docs/spark-jobs.md. SettingsTest already checks every row
 * (default valid, text round trip, flag, param); add a test of what the setting changes.</li>
 * </ol>
 */
public final class Settings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final List<Setting<?>> TABLE = new ArrayList<>();

    // ---- The table: name, default, placeholder, help, check of one value. ----

    public static final Setting<Integer> THREADS = add(integer(MODEL, "threads", 0, "N",
            "decoder threads (0: all cores for generate, spark.task.cpus in jobs)", atLeast(0)).param("threadsPerTask"));
    public static final Setting<Integer> CONTEXT_TOKENS = add(integer(MODEL, "context-tokens", 0, "N",
            "context per decoder in tokens (0: the model's)", atLeast(0)));

    public static final Setting<Integer> MAX_TOKENS = add(integer(SAMPLING, "max-tokens", 128, "N",
            "tokens to generate per model call", atLeast(1)).param("maxNewTokens"));
    public static final Setting<Float> TEMPERATURE = add(real(SAMPLING, "temperature", 0f, "T",
            "sampling temperature (0: greedy, deterministic)", v -> v >= 0 && Float.isFinite(v) ? null : "must be 0 (greedy) or positive"));
    public static final Setting<Integer> TOP_K = add(integer(SAMPLING, "top-k", 40, "K",
            "sample among the K most likely tokens (0: all)", atLeast(0)));
    public static final Setting<Float> TOP_P = add(real(SAMPLING, "top-p", 0.95f, "P",
            "nucleus sampling probability mass", v -> v > 0 && v <= 1 ? null : "must be in (0, 1]"));
    public static final Setting<Long> SEED = add(longInt(SAMPLING, "seed", 42L, "S", "sampling seed", any()));
    public static final Setting<Float> REPEAT_PENALTY = add(real(SAMPLING, "repeat-penalty", 1f, "P",
            "llama.cpp's repeat penalty: logits of tokens among the last repeat-last-n generated are divided by P when"
                    + " positive, multiplied when negative (1: off)", v -> v > 0 && Float.isFinite(v) ? null : "must be positive"));
    public static final Setting<Integer> REPEAT_LAST_N = add(integer(SAMPLING, "repeat-last-n", 64, "N",
            "generated tokens the repeat, frequency and presence penalties look back on (0: off, -1: all)", atLeast(-1)));
    public static final Setting<Float> FREQUENCY_PENALTY = add(real(SAMPLING, "frequency-penalty", 0f, "F",
            "subtract F x (occurrences among the last repeat-last-n generated tokens) from a token's logit (0: off)",
            v -> Float.isFinite(v) ? null : "must be a finite number"));
    public static final Setting<Float> PRESENCE_PENALTY = add(real(SAMPLING, "presence-penalty", 0f, "P",
            "subtract P from the logit of a token among the last repeat-last-n generated (0: off)",
            v -> Float.isFinite(v) ? null : "must be a finite number"));
    public static final Setting<Integer> NO_REPEAT_NGRAM_SIZE = add(integer(SAMPLING, "no-repeat-ngram-size", 4, "N",
            "forbid any token that would repeat an N-gram of the generated text (Hugging Face's no_repeat_ngram_size; 0: off;"
                    + " 4 by default: summaries stopped looping with the fewest unsupported words in docs/RESULTS.md)",
            atLeast(0)));

    /**
     * Quest by default: at a full budget (contexts up to token-budget) it attends exactly as dense does, and on long
     * contexts pages of 8 with a sink page matched dense passkey accuracy at budget 1024 in docs/RESULTS.md.
     */
    public static final Setting<String> ATTENTION_MODE = add(text(ATTENTION, "attention", "quest", "MODE",
            "decode attention: dense or quest", "dense", "quest"));
    public static final Setting<Integer> TOKEN_BUDGET = add(integer(ATTENTION, "token-budget", QuestConfig.DEFAULT_TOKEN_BUDGET, "N",
            "Quest: KV tokens each decode step reads (at least two pages)", atLeast(1)));
    /** Pages of 8, not the paper's 16: closest to dense on passkey at every budget in docs/RESULTS.md. */
    public static final int JOB_PAGE_SIZE = 8;
    public static final Setting<Integer> PAGE_SIZE = add(integer(ATTENTION, "page-size", JOB_PAGE_SIZE, "N",
            "Quest: tokens per KV page (8, 16, 32, 64)", oneOf(8, 16, 32, 64)));
    public static final Setting<Integer> DENSE_LAYERS = add(integer(ATTENTION, "dense-layers", QuestConfig.DEFAULT_DENSE_LAYERS, "N",
            "Quest: leading layers that attend densely", atLeast(0)));
    public static final Setting<String> GQA_POLICY = add(text(ATTENTION, "gqa-policy", "shared", "POLICY",
            "Quest: page selection for grouped-query heads: shared or per-head", "shared", "per-head"));
    public static final Setting<Integer> SINK_PAGES = add(integer(ATTENTION, "sink-pages", QuestConfig.DEFAULT_SINK_PAGES, "N",
            "Quest: leading pages (attention sinks) attended on every step (0: the paper's)", atLeast(0)));
    public static final Setting<Integer> RECENT_PAGES = add(integer(ATTENTION, "recent-pages", QuestConfig.DEFAULT_RECENT_PAGES, "N",
            "Quest: pages just before the one being filled attended on every step (0: the paper's)", atLeast(0)));
    /** By model: Gemma 3's 32K context needs it to stay within 3% of dense perplexity (docs/gemma3.md). */
    public static final Setting<Integer> RERANK_FACTOR = add(integer(ATTENTION, "rerank-factor", QuestConfig.RERANK_BY_MODEL, "F",
            "Quest: take the F x k pages with the best key bounds and keep the k whose keys score highest for the query"
                    + " (0: the bounds alone, the paper's; -1: the model's, " + QuestConfig.GEMMA3_RERANK_FACTOR
                    + " on Gemma 3, 0 elsewhere)", atLeast(QuestConfig.RERANK_BY_MODEL)));
    public static final Setting<String> RERANK_SCORE = add(text(ATTENTION, "rerank-score", "max", "SCORE",
            "Quest: a rerank's score of a page shared by a KV head's query heads: max (the largest logit over the heads)"
                    + " or head-relative (each head's largest less that head's best over the candidates)", "max", "head-relative"));
    public static final Setting<Double> TOKEN_BUDGET_FRACTION = add(decimal(ATTENTION, "token-budget-fraction",
            QuestConfig.DEFAULT_BUDGET_FRACTION, "F",
            "Quest: share of the context each step attends, token-budget the ceiling (0: fixed budget)",
            v -> v == 0 || v > 0 && v <= 1 ? null : "must be 0 (a fixed token-budget) or in (0, 1]"));
    public static final Setting<Long> KV_MEMORY_BUDGET = add(bytes(ATTENTION, "kv-memory-budget",
            QuestConfig.DEFAULT_KV_MEMORY_BUDGET, "BYTES",
            "most memory one decoder's KV cache may take (bytes, or with k, m, g, t: 512m, 4g)", v -> v > 0 ? null : "must be positive"));

    public static final Setting<String> CHAT = add(text(DOCUMENTS, "chat", "auto", "auto|on|off",
            "use the model's chat template (auto: when it has one)", "auto", "on", "off").parser(Settings::onOff));
    public static final Setting<Integer> CHUNK_OVERLAP = add(integer(DOCUMENTS, "chunk-overlap", 64, "N",
            "tokens shared by consecutive chunks of a long document", atLeast(0)));
    public static final Setting<Integer> BATCH_SIZE = add(integer(DOCUMENTS, "batch-size", 1, "N",
            "sequences a task decodes together, its rows and chunks continuously batched (1: one at a time)", atLeast(1)));
    public static final Setting<Integer> SUMMARY_CHUNK_TOKENS = add(integer(DOCUMENTS, "summary-chunk-tokens", 1024, "N",
            "longest text summarized in one call; a longer one is summarized in chunks, then the chunk summaries"
                    + " (0: as much as the context holds)", v -> v == 0 || v >= 64 ? null : "must be 0 or at least 64"));
    public static final Setting<Integer> SUMMARY_SENTENCES = add(integer(DOCUMENTS, "summary-sentences", 3, "N",
            "most sentences a summary (and each chunk's summary) keeps: the prompt asks for two or three, and a small"
                    + " model rambles past them (0: no limit)", atLeast(0)));
    public static final Setting<Integer> QA_CHUNK_TOKENS = add(integer(QA, "qa-chunk-tokens", 128, "N",
            "chunk size when choosing the parts of a long document by BM25", atLeast(16)));
    public static final Setting<Integer> QA_CONTEXT_TOKENS = add(integer(QA, "qa-context-tokens", 0, "N",
            "most document tokens a question is answered from: a longer document gives its best BM25 chunks"
                    + " (0: as many as the context holds, so a document that fits is given whole and its questions"
                    + " share its prefill)", atLeast(0)));
    public static final Setting<String> QA_GROUNDING = add(text(QA, "qa-grounding", "on", "on|off",
            "a short answer to a factual question that is not found in the document (or only repeats the question) is"
                    + " replaced by the document's sentence BM25 ranks best, noted in the note column", "on", "off")
            .parser(Settings::onOff));

    public static final Setting<String> ROUTER = add(text(QA, "router", "bm25", "bm25|quest",
            "how the chunks of a long document are chosen for a question: bm25 ranks their words; quest prefills each"
                    + " chunk and ranks it by Quest's page upper bound of the question's query vectors against its pages'"
                    + " key bounds", "bm25", "quest"));

    // ---- The record. ----

    private static final Settings DEFAULTS = new Settings(Map.of());

    /** Values by setting name, in table order, each of its setting's type. */
    private final LinkedHashMap<String, Object> values;

    private Settings(Map<String, ?> overrides) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : TABLE) {
            Object raw = overrides.get(s.name());
            m.put(s.name(), raw == null ? s.defaultValue() : s.parse(raw));
        }
        this.values = m;
        quest();
        generation();
    }

    /** The table, in the order --help lists it. */
    public static List<Setting<?>> table() {
        return Collections.unmodifiableList(TABLE);
    }

    /** The table's settings of one group, in table order. */
    public static List<Setting<?>> group(Setting.Group g) {
        return TABLE.stream().filter(s -> s.group() == g).toList();
    }

    /** The setting of that name, or null when the table has none. */
    public static Setting<?> named(String name) {
        for (Setting<?> s : TABLE) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Every setting at its table default. */
    public static Settings defaults() {
        return DEFAULTS;
    }

    /**
     * The defaults overlaid by values (text as in a file or flag, or typed values) for the names the table has;
     * other names are ignored, so one map can carry other settings too. Every value and the rules between them
     * are checked: an error names the setting.
     */
    public static Settings of(Map<String, ?> values) {
        return new Settings(values);
    }

    /** These settings overlaid by values, as {@link #of}. */
    public Settings with(Map<String, ?> overrides) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        overrides.forEach((k, v) -> {
            if (v != null && named(k) != null) {
                m.put(k, v);
            }
        });
        return new Settings(m);
    }

    /** These settings with one value changed (checked like every other). */
    public <T> Settings with(Setting<T> setting, T value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(setting.name(), value);
        return new Settings(m);
    }

    public <T> T get(Setting<T> setting) {
        return setting.type().cast(values.get(setting.name()));
    }

    /** Every setting as text, in table order: what {@link #of} reads back to these settings. */
    public Map<String, String> toStrings() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : TABLE) {
            m.put(s.name(), s.format(values.get(s.name())));
        }
        return m;
    }

    /** The engine's attention and KV cache settings. */
    public QuestConfig quest() {
        return new QuestConfig(QuestConfig.Attention.valueOf(enumName(get(ATTENTION_MODE))), get(TOKEN_BUDGET), get(PAGE_SIZE),
                get(DENSE_LAYERS), QuestConfig.GqaPolicy.valueOf(enumName(get(GQA_POLICY))), get(SINK_PAGES),
                get(TOKEN_BUDGET_FRACTION), get(KV_MEMORY_BUDGET), get(RECENT_PAGES), get(RERANK_FACTOR),
                QuestConfig.RerankScore.valueOf(enumName(get(RERANK_SCORE))));
    }

    /** These settings with the attention and KV cache settings of q (the inverse of {@link #quest()}). */
    public Settings withQuest(QuestConfig q) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(ATTENTION_MODE.name(), q.attention().configName());
        m.put(TOKEN_BUDGET.name(), q.tokenBudget());
        m.put(PAGE_SIZE.name(), q.pageSize());
        m.put(DENSE_LAYERS.name(), q.denseLayers());
        m.put(GQA_POLICY.name(), q.gqaPolicy().configName());
        m.put(SINK_PAGES.name(), q.sinkPages());
        m.put(TOKEN_BUDGET_FRACTION.name(), q.budgetFraction());
        m.put(KV_MEMORY_BUDGET.name(), q.kvMemoryBudget());
        m.put(RECENT_PAGES.name(), q.recentPages());
        m.put(RERANK_FACTOR.name(), q.rerankFactor());
        m.put(RERANK_SCORE.name(), q.rerankScore().configName());
        return new Settings(m);
    }

    /** How the engine picks tokens, with no stop strings. */
    public GenerationConfig generation() {
        return new GenerationConfig(get(MAX_TOKENS), get(TEMPERATURE), get(TOP_K), get(TOP_P), get(SEED), List.of(),
                penalties());
    }

    /** The repetition controls (all off by default). */
    public Penalties penalties() {
        return new Penalties(get(REPEAT_PENALTY), get(REPEAT_LAST_N), get(FREQUENCY_PENALTY), get(PRESENCE_PENALTY),
                get(NO_REPEAT_NGRAM_SIZE));
    }

    /** Dense attention, or Quest's page selection. */
    public boolean questAttention() {
        return get(ATTENTION_MODE).equals("quest");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return "Settings" + toStrings();
    }

    private static String enumName(String choice) {
        return choice.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Chat as auto, on or off; true/yes/1 and false/no/0 are accepted too. */
    private static String onOff(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "1" -> "on";
            case "false", "no", "0" -> "off";
            default -> s;
        };
    }

    // ---- Kinds of settings and checks of one value, for the table. ----

    private static <T> Setting<T> add(Setting<T> s) {
        if (named(s.name()) != null) {
            throw new IllegalStateException("setting " + s.name() + " is in the table twice");
        }
        TABLE.add(s);
        return s;
    }

    private static Setting<Integer> integer(Setting.Group g, String name, int def, String placeholder, String help,
            Function<Integer, String> check) {
        return new Setting<>(name, g, Integer.class, def, placeholder, help, null, check, Integer::valueOf, null);
    }

    private static Setting<Long> longInt(Setting.Group g, String name, long def, String placeholder, String help,
            Function<Long, String> check) {
        return new Setting<>(name, g, Long.class, def, placeholder, help, null, check, Long::valueOf, null);
    }

    private static Setting<Long> bytes(Setting.Group g, String name, long def, String placeholder, String help,
            Function<Long, String> check) {
        return new Setting<>(name, g, Long.class, def, placeholder, help, null, check, ByteSize::parse, ByteSize::format);
    }

    private static Setting<Float> real(Setting.Group g, String name, float def, String placeholder, String help,
            Function<Float, String> check) {
        return new Setting<>(name, g, Float.class, def, placeholder, help, null, check, Float::valueOf,
                v -> v == 0 ? "0" : Float.toString(v));
    }

    private static Setting<Double> decimal(Setting.Group g, String name, double def, String placeholder, String help,
            Function<Double, String> check) {
        return new Setting<>(name, g, Double.class, def, placeholder, help, null, check, Double::valueOf,
                v -> v == 0 ? "0" : Double.toString(v));
    }

    /** A choice among the given names (lower case; underscores written as dashes). */
    private static Setting<String> text(Setting.Group g, String name, String def, String placeholder, String help,
            String... choices) {
        return new Setting<>(name, g, String.class, def, placeholder, help, null, choice(choices), Setting::choiceText, null);
    }

    private static <T> Function<T, String> any() {
        return v -> null;
    }
}
