package dev.questspark.jobs;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.KvCacheDirectory;
import dev.questspark.jobs.model.DistributedModelFile;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.ModelPreflight;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
import dev.questspark.settings.Setting;
import dev.questspark.settings.Settings;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Spark ML transformer that runs a GGUF language model over a DataFrame: each row's text (and question) in, the
 * same row with the generated text and statistics columns out (see docs/output-schema.md). Every executor JVM
 * memory-maps the model once and shares it between its tasks; each task has its own decoder (KV cache), and rows
 * of one partition that are about the same document in a row reuse its prefill, and with {@link #setKvCache} the
 * prefill of a document is kept on disk for later questions and jobs.
 *
 * <p>Tasks: {@code summarize} (map-reduce over token chunks for documents longer than the context),
 * {@code answer} (the question column against the text; the BM25-best chunks of a long document), or a prompt
 * template containing {@code {text}} and optionally {@code {question}}. A bad row (null, empty, invalid UTF-8 or
 * binary text, a missing question) gets {@code status = "error"} and a message; the job goes on.
 *
 * <p>Java:
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[*]").getOrCreate();
 * Dataset<Row> docs = spark.read().parquet("docs.parquet");            // columns id, text
 * QuestGenerator summarizer = new QuestGenerator()
 *     .setModelPath("models/SmolLM2-135M-Instruct.Q4_1.gguf")
 *     .setTask("summarize").setInputCol("text").setOutputCol("summary")
 *     .setMaxNewTokens(128).setAttention("quest").setTokenBudget(1024);
 * PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[]{summarizer}).fit(docs);
 * pipeline.transform(docs).select("id", "summary", "status", "generated_tokens").write().parquet("out");
 * }</pre>
 *
 * <p>Scala:
 * <pre>{@code
 * val summarizer = new QuestGenerator()
 *   .setModelPath("hdfs:///models/SmolLM2-135M-Instruct.Q4_1.gguf")
 *   .setTask("summarize").setOutputCol("summary").setAttention("quest")
 * val out = new Pipeline().setStages(Array(summarizer)).fit(docs).transform(docs)
 * out.filter($"status" === "ok").select("id", "summary").show(false)
 * }</pre>
 *
 * <p>PySpark, through the JVM class (the application jar on the classpath, e.g. {@code pyspark --jars
 * jobs/target/jobs-*-app.jar}):
 * <pre>{@code
 * from pyspark.sql import DataFrame
 * gen = (spark._jvm.dev.questspark.jobs.QuestGenerator()
 *        .setModelPath("/models/SmolLM2-135M-Instruct.Q4_1.gguf")
 *        .setTask("answer").setInputCol("text").setQuestionCol("question").setOutputCol("answer"))
 * answers = DataFrame(gen.transform(qa_df._jdf), spark)
 * answers.select("question", "answer", "status").show(truncate=False)
 * }</pre>
 */
public final class QuestGenerator extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** Loads GGUF files with the project's engine; tests substitute a fake through {@link #setModelLoader}. */
    public static final String ENGINE_LOADER = SharedModels.ENGINE_LOADER;
    private static final String TEXT_CHECK = "__quest_text_invalid_utf8";
    private static final String QUESTION_CHECK = "__quest_question_invalid_utf8";

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> modelLoader;
    private final Param<String> task;
    private final Param<String> inputCol;
    private final Param<String> questionCol;
    private final Param<String> outputCol;
    private final Param<String> kvCache;
    private final Param<String> chunkOrderCol;
    /** One param per row of the settings table, in table order. */
    private final Map<Setting<?>, Param<?>> settingParams = new LinkedHashMap<>();

    public QuestGenerator() {
        this(Identifiable$.MODULE$.randomUID("questGenerator"));
    }

    public QuestGenerator(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "GGUF model: a path every node can read, a Hadoop FileSystem URI,"
                + " or the name of a file shipped with --files");
        modelLoader = new Param<>(this, "modelLoader", "class implementing dev.questspark.jobs.model.ModelLoader");
        task = new Param<>(this, "task", "summarize, answer, or a prompt template with {text} and optionally {question}",
                new TaskValidator());
        inputCol = new Param<>(this, "inputCol", "column of the document text");
        questionCol = new Param<>(this, "questionCol", "column of the question (task answer, or {question} in a template)");
        outputCol = new Param<>(this, "outputCol", "column of the generated text");
        kvCache = new Param<>(this, "kvCache", "directory of KV snapshots of prefilled documents for the answer task"
                + " (local, or mounted at the same path on every executor); empty for none");
        chunkOrderCol = new Param<>(this, "chunkOrderCol", "optional struct column (chunk tokens, order) ranking a long"
                + " document's chunks for the row's question, from the split QA routing stages; empty for none");
        Settings.table().forEach(s -> settingParams.put(s, SettingParams.param(this, s)));
        setBuiltInDefaults(QuestSettings.defaults());
    }

    /** Serializable, like every part of a Param. */
    private static final class TaskValidator extends AbstractFunction1<String, Object> implements Serializable {
        @Override
        public Object apply(String t) {
            return validTask(t);
        }
    }

    private static boolean validTask(String t) {
        if (t == null || t.isBlank()) {
            return false;
        }
        if (Tasks.isBuiltIn(t)) {
            return true;
        }
        try {
            new PromptTemplate(t);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void setBuiltInDefaults(QuestSettings d) {
        setDefault(modelPath, d.get("model", ""));
        setDefault(modelLoader, ENGINE_LOADER);
        setDefault(task, Tasks.SUMMARIZE);
        setDefault(inputCol, d.get("text-col", "text"));
        setDefault(questionCol, d.get("question-col", "question"));
        setDefault(outputCol, "generated");
        setDefault(kvCache, d.get("kv-cache", ""));
        setDefault(chunkOrderCol, "");
        Settings defaults = d.settings();
        settingParams.forEach((s, p) -> setDefault(SettingParams.untyped(p), defaults.get(s)));
        // Threads follow spark.task.cpus unless set for this transformer (a defaults file's value is for bin/quest).
        setDefault(SettingParams.untyped(param(Settings.THREADS)), 0);
    }

    /**
     * The params Spark ML saves, copies and lists: the declared ones and one per setting of the table (Spark would
     * otherwise find params only through public methods).
     */
    @Override
    public Param<?>[] params() {
        List<Param<?>> all = new ArrayList<>(List.of(modelPath, modelLoader, task, inputCol, questionCol, outputCol, kvCache,
                chunkOrderCol));
        all.addAll(settingParams.values());
        all.sort(java.util.Comparator.comparing(Param::name));
        return all.toArray(new Param<?>[0]);
    }

    /** Sets every parameter that settings name (the keys of conf/quest-defaults.properties). */
    public QuestGenerator applySettings(QuestSettings s) {
        setModelPath(s.get("model"));
        setModelLoader(s.get("model-loader", ENGINE_LOADER));
        setKvCache(s.get("kv-cache", ""));
        return setSettings(s.settings());
    }

    /** Sets the param of every setting of the table to its value in settings. */
    public QuestGenerator setSettings(Settings settings) {
        settingParams.keySet().forEach(s -> set(SettingParams.untyped(param(s)), settings.get(s)));
        return this;
    }

    /** The settings of the table as the params say (set, else default), checked together. */
    public Settings getSettings() {
        Map<String, Object> values = new LinkedHashMap<>();
        settingParams.forEach((s, p) -> values.put(s.name(), $(p)));
        return Settings.of(values);
    }

    /** Sets one setting of the table; the value is checked against the table's rule for it. */
    public <T> QuestGenerator setSetting(Setting<T> setting, T value) {
        return put(param(setting), setting.parse(value));
    }

    /** Sets one setting of the table by name, the value as text (as in the defaults file, e.g. "2g"). */
    public QuestGenerator setSetting(String name, String value) {
        Setting<?> s = Settings.named(name);
        if (s == null) {
            throw new IllegalArgumentException("no setting named " + name + " (see bin/quest generate --help)");
        }
        set(SettingParams.untyped(param(s)), s.parse(value));
        return this;
    }

    public <T> T getSetting(Setting<T> setting) {
        return setting.type().cast($(param(setting)));
    }

    @SuppressWarnings("unchecked")
    private <T> Param<T> param(Setting<T> s) {
        return (Param<T>) settingParams.get(s);
    }

    @Override
    public String uid() {
        return uid;
    }

    // Parameters: the declared ones, and typed accessors of the settings' params (all are in params()).
    public Param<String> modelPath() { return modelPath; }
    public Param<String> modelLoader() { return modelLoader; }
    public Param<String> task() { return task; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> questionCol() { return questionCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> kvCache() { return kvCache; }
    public IntParam maxNewTokens() { return (IntParam) settingParams.get(Settings.MAX_TOKENS); }
    public FloatParam temperature() { return (FloatParam) settingParams.get(Settings.TEMPERATURE); }
    public IntParam topK() { return (IntParam) settingParams.get(Settings.TOP_K); }
    public FloatParam topP() { return (FloatParam) settingParams.get(Settings.TOP_P); }
    public LongParam seed() { return (LongParam) settingParams.get(Settings.SEED); }
    public Param<String> attention() { return param(Settings.ATTENTION_MODE); }
    public IntParam tokenBudget() { return (IntParam) settingParams.get(Settings.TOKEN_BUDGET); }
    public IntParam pageSize() { return (IntParam) settingParams.get(Settings.PAGE_SIZE); }
    public IntParam denseLayers() { return (IntParam) settingParams.get(Settings.DENSE_LAYERS); }
    public Param<String> gqaPolicy() { return param(Settings.GQA_POLICY); }
    public IntParam sinkPages() { return (IntParam) settingParams.get(Settings.SINK_PAGES); }
    public IntParam recentPages() { return (IntParam) settingParams.get(Settings.RECENT_PAGES); }
    public IntParam rerankFactor() { return (IntParam) settingParams.get(Settings.RERANK_FACTOR); }
    public Param<String> rerankScore() { return param(Settings.RERANK_SCORE); }
    public DoubleParam tokenBudgetFraction() { return (DoubleParam) settingParams.get(Settings.TOKEN_BUDGET_FRACTION); }
    public LongParam kvMemoryBudget() { return (LongParam) settingParams.get(Settings.KV_MEMORY_BUDGET); }
    public IntParam threadsPerTask() { return (IntParam) settingParams.get(Settings.THREADS); }
    public Param<String> chat() { return param(Settings.CHAT); }
    public IntParam contextTokens() { return (IntParam) settingParams.get(Settings.CONTEXT_TOKENS); }
    public IntParam chunkOverlap() { return (IntParam) settingParams.get(Settings.CHUNK_OVERLAP); }
    public IntParam qaChunkTokens() { return (IntParam) settingParams.get(Settings.QA_CHUNK_TOKENS); }

    public String getModelPath() { return $(modelPath); }
    public String getModelLoader() { return $(modelLoader); }
    public String getTask() { return $(task); }
    public String getInputCol() { return $(inputCol); }
    public String getQuestionCol() { return $(questionCol); }
    public String getOutputCol() { return $(outputCol); }
    public String getKvCache() { return $(kvCache); }
    public int getMaxNewTokens() { return getSetting(Settings.MAX_TOKENS); }
    public float getTemperature() { return getSetting(Settings.TEMPERATURE); }
    public int getTopK() { return getSetting(Settings.TOP_K); }
    public float getTopP() { return getSetting(Settings.TOP_P); }
    public long getSeed() { return getSetting(Settings.SEED); }
    public String getAttention() { return getSetting(Settings.ATTENTION_MODE); }
    public int getTokenBudget() { return getSetting(Settings.TOKEN_BUDGET); }
    public int getPageSize() { return getSetting(Settings.PAGE_SIZE); }
    public int getDenseLayers() { return getSetting(Settings.DENSE_LAYERS); }
    public String getGqaPolicy() { return getSetting(Settings.GQA_POLICY); }
    public int getSinkPages() { return getSetting(Settings.SINK_PAGES); }
    public int getRecentPages() { return getSetting(Settings.RECENT_PAGES); }
    public int getRerankFactor() { return getSetting(Settings.RERANK_FACTOR); }
    public String getRerankScore() { return getSetting(Settings.RERANK_SCORE); }
    public double getTokenBudgetFraction() { return getSetting(Settings.TOKEN_BUDGET_FRACTION); }
    public long getKvMemoryBudget() { return getSetting(Settings.KV_MEMORY_BUDGET); }
    public int getThreadsPerTask() { return getSetting(Settings.THREADS); }
    public String getChat() { return getSetting(Settings.CHAT); }
    public int getContextTokens() { return getSetting(Settings.CONTEXT_TOKENS); }
    public int getChunkOverlap() { return getSetting(Settings.CHUNK_OVERLAP); }
    public int getQaChunkTokens() { return getSetting(Settings.QA_CHUNK_TOKENS); }

    public QuestGenerator setModelPath(String v) { return put(modelPath, v); }
    public QuestGenerator setModelLoader(String v) { return put(modelLoader, v); }
    public QuestGenerator setTask(String v) { return put(task, v); }
    public QuestGenerator setInputCol(String v) { return put(inputCol, v); }
    /** Same as {@link #setInputCol}. */
    public QuestGenerator setTextCol(String v) { return put(inputCol, v); }
    public QuestGenerator setQuestionCol(String v) { return put(questionCol, v); }
    public QuestGenerator setOutputCol(String v) { return put(outputCol, v); }
    public QuestGenerator setMaxNewTokens(int v) { return setSetting(Settings.MAX_TOKENS, v); }
    public QuestGenerator setTemperature(float v) { return setSetting(Settings.TEMPERATURE, v); }
    public QuestGenerator setTopK(int v) { return setSetting(Settings.TOP_K, v); }
    public QuestGenerator setTopP(float v) { return setSetting(Settings.TOP_P, v); }
    public QuestGenerator setSeed(long v) { return setSetting(Settings.SEED, v); }
    public QuestGenerator setAttention(String v) { return setSetting(Settings.ATTENTION_MODE, v); }
    public QuestGenerator setTokenBudget(int v) { return setSetting(Settings.TOKEN_BUDGET, v); }
    public QuestGenerator setPageSize(int v) { return setSetting(Settings.PAGE_SIZE, v); }
    public QuestGenerator setDenseLayers(int v) { return setSetting(Settings.DENSE_LAYERS, v); }
    /** shared or per-head; null or blank for the default. */
    public QuestGenerator setGqaPolicy(String v) {
        return setSetting(Settings.GQA_POLICY, v == null || v.isBlank() ? Settings.GQA_POLICY.defaultValue() : v);
    }
    public QuestGenerator setSinkPages(int v) { return setSetting(Settings.SINK_PAGES, v); }
    public QuestGenerator setRecentPages(int v) { return setSetting(Settings.RECENT_PAGES, v); }
    public QuestGenerator setRerankFactor(int v) { return setSetting(Settings.RERANK_FACTOR, v); }
    /** max or head-relative. */
    public QuestGenerator setRerankScore(String v) { return setSetting(Settings.RERANK_SCORE, v); }
    public QuestGenerator setTokenBudgetFraction(double v) { return setSetting(Settings.TOKEN_BUDGET_FRACTION, v); }
    /** Most bytes one decoder's KV cache may take (setting kv-memory-budget). */
    public QuestGenerator setKvMemoryBudget(long bytes) { return setSetting(Settings.KV_MEMORY_BUDGET, bytes); }
    /** The KV memory budget as text: bytes, or with a suffix k, m, g or t ("512m", "2g"). */
    public QuestGenerator setKvMemoryBudget(String v) { return setSetting(Settings.KV_MEMORY_BUDGET.name(), v); }
    public QuestGenerator setThreadsPerTask(int v) { return setSetting(Settings.THREADS, v); }
    public QuestGenerator setChat(String v) { return setSetting(Settings.CHAT, v == null ? "auto" : v); }
    public QuestGenerator setChat(boolean v) { return setSetting(Settings.CHAT, v ? "on" : "off"); }
    public QuestGenerator setContextTokens(int v) { return setSetting(Settings.CONTEXT_TOKENS, v); }
    public QuestGenerator setChunkOverlap(int v) { return setSetting(Settings.CHUNK_OVERLAP, v); }
    public QuestGenerator setQaChunkTokens(int v) { return setSetting(Settings.QA_CHUNK_TOKENS, v); }
    /** Sequences a task decodes together (continuous batching of its rows; the output is the same at every size). */
    public QuestGenerator setBatchSize(int v) { return setSetting(Settings.BATCH_SIZE, v); }
    /**
     * Directory of KV snapshots: with the answer task (or a template with {question} after {text}), a document
     * that fits the context is restored from its snapshot instead of prefilled, or prefilled and saved there.
     * It must be local (local mode) or mounted at the same path on every executor; empty for none.
     */
    public QuestGenerator setKvCache(String v) { return put(kvCache, v == null ? "" : v.trim()); }
    /** The struct column (chunk tokens, order) of chunk rankings made by the split QA stages; empty for none. */
    public QuestGenerator setChunkOrderCol(String v) { return put(chunkOrderCol, v == null ? "" : v); }
    public String getChunkOrderCol() { return $(chunkOrderCol); }

    private <T> QuestGenerator put(Param<T> p, T v) {
        set(p, v);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        requireString(schema, getInputCol(), "text");
        if (Tasks.needsQuestion(getTask())) {
            requireString(schema, getQuestionCol(), "question");
        }
        if (!getChunkOrderCol().isEmpty() && !names.contains(getChunkOrderCol())) {
            throw new IllegalArgumentException("input has no chunk order column '" + getChunkOrderCol() + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField(getOutputCol(), DataTypes.StringType, true));
        fields.addAll(OutputColumns.statistics());
        for (StructField f : fields.subList(schema.fields().length, fields.size())) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException("input already has a column " + f.name()
                        + ", which QuestGenerator writes; rename or drop it first");
            }
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    private static void requireString(StructType schema, String column, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("input has no " + what + " column '" + column + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!schema.apply(column).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException(what + " column '" + column + "' must be a string, not "
                    + schema.apply(column).dataType().simpleString());
        }
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        SparkContext sc = spark.sparkContext();
        ModelLocation location = new ModelLocation(getModelPath());
        Configuration hadoop = sc.hadoopConfiguration();
        GeneratorSettings settings = settings(sc);
        // The model is validated on the driver first: a file that cannot load fails here, before any task starts.
        ModelPreflight.validate(getModelLoader(), DistributedModelFile.driverFile(location, hadoop));
        Broadcast<SerializableConfiguration> conf = location.isLocal() ? null : SerializableConfiguration.broadcast(sc, hadoop);

        Dataset<Row> in = dataset.toDF();
        int width = in.schema().fields().length;
        boolean question = Tasks.needsQuestion(getTask());
        Dataset<Row> checked = in.withColumn(TEXT_CHECK, invalidBytes(in.col(getInputCol())));
        if (question) {
            checked = checked.withColumn(QUESTION_CHECK, invalidBytes(in.col(getQuestionCol())));
        }
        List<String> names = Arrays.asList(in.schema().fieldNames());
        GeneratePartition.Columns columns = new GeneratePartition.Columns(width, names.indexOf(getInputCol()),
                question ? names.indexOf(getQuestionCol()) : -1, width, question ? width + 1 : -1,
                getChunkOrderCol().isEmpty() ? -1 : names.indexOf(getChunkOrderCol()));
        GeneratePartition.Counters counters = new GeneratePartition.Counters(sc.longAccumulator(JobProgress.ROWS),
                sc.longAccumulator("quest error rows"), sc.longAccumulator(JobProgress.TOKENS));
        String failOnce = spark.conf().get(FailOnce.KEY, "");
        GeneratePartition fn = new GeneratePartition(settings, columns, failOnce, conf, counters);
        return checked.mapPartitions(fn, Encoders.row(outSchema));
    }

    /** The raw bytes of a string that is not valid UTF-8 (Spark keeps them as read), else null. */
    static Column invalidBytes(Column text) {
        return functions.when(functions.not(functions.is_valid_utf8(text)), text.cast(DataTypes.BinaryType));
    }

    /**
     * The settings tasks receive, checked here on the driver; threads follow spark.task.cpus unless set; the KV
     * cache directory is made here.
     */
    GeneratorSettings settings(SparkContext sc) {
        Settings settings = getSettings();
        int threads = settings.get(Settings.THREADS) > 0 ? settings.get(Settings.THREADS)
                : Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
        return new GeneratorSettings(getModelPath(), getModelLoader(), getTask(), settings, threads,
                KvCacheDirectory.prepare(getKvCache()));
    }

    @Override
    public QuestGenerator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<QuestGenerator> read() {
        return new DefaultParamsReadable<QuestGenerator>() {
        }.read();
    }

    public static QuestGenerator load(String path) {
        return read().load(path);
    }
}
