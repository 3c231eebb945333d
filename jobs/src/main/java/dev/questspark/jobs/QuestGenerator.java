package dev.questspark.jobs;

import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.KvCacheDirectory;
import dev.questspark.jobs.model.AttentionSettings;
import dev.questspark.jobs.model.DistributedModelFile;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.SamplingSettings;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.Tasks;
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
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
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
import java.util.List;

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
    private static final String CHECK_COLUMN = "__quest_text_is_utf8";

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> modelLoader;
    private final Param<String> task;
    private final Param<String> inputCol;
    private final Param<String> questionCol;
    private final Param<String> outputCol;
    private final IntParam maxNewTokens;
    private final FloatParam temperature;
    private final IntParam topK;
    private final FloatParam topP;
    private final LongParam seed;
    private final Param<String> attention;
    private final IntParam tokenBudget;
    private final IntParam pageSize;
    private final IntParam denseLayers;
    private final Param<String> gqaPolicy;
    private final IntParam sinkPages;
    private final DoubleParam tokenBudgetFraction;
    private final IntParam threadsPerTask;
    private final Param<String> chat;
    private final IntParam contextTokens;
    private final IntParam chunkOverlap;
    private final IntParam qaChunkTokens;
    private final Param<String> kvCache;

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
        maxNewTokens = new IntParam(this, "maxNewTokens", "tokens to generate per model call", ParamValidators.gtEq(1));
        temperature = new FloatParam(this, "temperature", "sampling temperature; 0 is greedy", ParamValidators.gtEq(0));
        topK = new IntParam(this, "topK", "sample among the k most likely tokens (0: all)", ParamValidators.gtEq(0));
        topP = new FloatParam(this, "topP", "nucleus sampling mass", ParamValidators.inRange(0, 1, false, true));
        seed = new LongParam(this, "seed", "sampling seed, mixed with each row's content");
        attention = new Param<>(this, "attention", "decode attention: dense or quest",
                ParamValidators.inArray(new String[]{AttentionSettings.DENSE, AttentionSettings.QUEST}));
        tokenBudget = new IntParam(this, "tokenBudget", "Quest: tokens of KV cache each decode step reads", ParamValidators.gtEq(1));
        pageSize = new IntParam(this, "pageSize", "Quest: tokens per KV page", ParamValidators.gtEq(1));
        denseLayers = new IntParam(this, "denseLayers", "Quest: leading layers that attend densely", ParamValidators.gtEq(0));
        gqaPolicy = new Param<>(this, "gqaPolicy", "Quest: page selection for grouped-query heads: shared or per-head");
        sinkPages = new IntParam(this, "sinkPages", "Quest: leading pages (attention sinks) attended on every step;"
                + " 0 is the paper's selection", ParamValidators.gtEq(0));
        tokenBudgetFraction = new DoubleParam(this, "tokenBudgetFraction", "Quest: share of the context each decode step"
                + " attends, between two pages and tokenBudget; 0 is a fixed tokenBudget", ParamValidators.inRange(0, 1));
        threadsPerTask = new IntParam(this, "threadsPerTask", "decoder threads per task; 0 follows spark.task.cpus",
                ParamValidators.gtEq(0));
        chat = new Param<>(this, "chat", "chat template: auto (when the model has one), on, off",
                ParamValidators.inArray(new String[]{"auto", "on", "off"}));
        contextTokens = new IntParam(this, "contextTokens", "context per decoder in tokens; 0 is the model's",
                ParamValidators.gtEq(0));
        chunkOverlap = new IntParam(this, "chunkOverlap", "tokens shared by consecutive chunks of a long document",
                ParamValidators.gtEq(0));
        qaChunkTokens = new IntParam(this, "qaChunkTokens", "chunk size when ranking parts of a long document for a question",
                ParamValidators.gtEq(16));
        kvCache = new Param<>(this, "kvCache", "directory of KV snapshots of prefilled documents for the answer task"
                + " (local, or mounted at the same path on every executor); empty for none");
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
        setDefault(maxNewTokens, d.getInt("max-tokens"));
        setDefault(temperature, d.getFloat("temperature"));
        setDefault(topK, d.getInt("top-k"));
        setDefault(topP, d.getFloat("top-p"));
        setDefault(seed, d.getLong("seed"));
        setDefault(attention, d.get("attention"));
        setDefault(tokenBudget, d.getInt("token-budget"));
        setDefault(pageSize, d.getInt("page-size"));
        setDefault(denseLayers, d.getInt("dense-layers"));
        setDefault(gqaPolicy, d.get("gqa-policy", ""));
        setDefault(sinkPages, d.getInt("sink-pages"));
        setDefault(tokenBudgetFraction, d.getDouble("token-budget-fraction"));
        setDefault(threadsPerTask, 0);
        setDefault(chat, d.get("chat", "auto"));
        setDefault(contextTokens, d.getInt("context-tokens"));
        setDefault(chunkOverlap, d.getInt("chunk-overlap"));
        setDefault(qaChunkTokens, d.getInt("qa-chunk-tokens"));
        setDefault(kvCache, d.get("kv-cache", ""));
    }

    /** Sets every parameter that settings name (the keys of conf/quest-defaults.properties). */
    public QuestGenerator applySettings(QuestSettings s) {
        setModelPath(s.get("model"));
        setModelLoader(s.get("model-loader", ENGINE_LOADER));
        setMaxNewTokens(s.getInt("max-tokens"));
        setTemperature(s.getFloat("temperature"));
        setTopK(s.getInt("top-k"));
        setTopP(s.getFloat("top-p"));
        setSeed(s.getLong("seed"));
        setAttention(s.get("attention"));
        setTokenBudget(s.getInt("token-budget"));
        setPageSize(s.getInt("page-size"));
        setDenseLayers(s.getInt("dense-layers"));
        setGqaPolicy(s.get("gqa-policy", ""));
        setSinkPages(s.getInt("sink-pages"));
        setTokenBudgetFraction(s.getDouble("token-budget-fraction"));
        setThreadsPerTask(s.getInt("threads"));
        setChat(s.get("chat"));
        setContextTokens(s.getInt("context-tokens"));
        setChunkOverlap(s.getInt("chunk-overlap"));
        setKvCache(s.get("kv-cache", ""));
        return setQaChunkTokens(s.getInt("qa-chunk-tokens"));
    }

    @Override
    public String uid() {
        return uid;
    }

    // Parameters: Spark finds them through these public no-argument methods.
    public Param<String> modelPath() { return modelPath; }
    public Param<String> modelLoader() { return modelLoader; }
    public Param<String> task() { return task; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> questionCol() { return questionCol; }
    public Param<String> outputCol() { return outputCol; }
    public IntParam maxNewTokens() { return maxNewTokens; }
    public FloatParam temperature() { return temperature; }
    public IntParam topK() { return topK; }
    public FloatParam topP() { return topP; }
    public LongParam seed() { return seed; }
    public Param<String> attention() { return attention; }
    public IntParam tokenBudget() { return tokenBudget; }
    public IntParam pageSize() { return pageSize; }
    public IntParam denseLayers() { return denseLayers; }
    public Param<String> gqaPolicy() { return gqaPolicy; }
    public IntParam sinkPages() { return sinkPages; }
    public DoubleParam tokenBudgetFraction() { return tokenBudgetFraction; }
    public IntParam threadsPerTask() { return threadsPerTask; }
    public Param<String> chat() { return chat; }
    public IntParam contextTokens() { return contextTokens; }
    public IntParam chunkOverlap() { return chunkOverlap; }
    public IntParam qaChunkTokens() { return qaChunkTokens; }
    public Param<String> kvCache() { return kvCache; }

    public String getModelPath() { return $(modelPath); }
    public String getModelLoader() { return $(modelLoader); }
    public String getTask() { return $(task); }
    public String getInputCol() { return $(inputCol); }
    public String getQuestionCol() { return $(questionCol); }
    public String getOutputCol() { return $(outputCol); }
    public int getMaxNewTokens() { return (Integer) $(maxNewTokens); }
    public float getTemperature() { return (Float) $(temperature); }
    public int getTopK() { return (Integer) $(topK); }
    public float getTopP() { return (Float) $(topP); }
    public long getSeed() { return (Long) $(seed); }
    public String getAttention() { return $(attention); }
    public int getTokenBudget() { return (Integer) $(tokenBudget); }
    public int getPageSize() { return (Integer) $(pageSize); }
    public int getDenseLayers() { return (Integer) $(denseLayers); }
    public String getGqaPolicy() { return $(gqaPolicy); }
    public int getSinkPages() { return (Integer) $(sinkPages); }
    public double getTokenBudgetFraction() { return (Double) $(tokenBudgetFraction); }
    public int getThreadsPerTask() { return (Integer) $(threadsPerTask); }
    public String getChat() { return $(chat); }
    public int getContextTokens() { return (Integer) $(contextTokens); }
    public int getChunkOverlap() { return (Integer) $(chunkOverlap); }
    public int getQaChunkTokens() { return (Integer) $(qaChunkTokens); }
    public String getKvCache() { return $(kvCache); }

    public QuestGenerator setModelPath(String v) { return put(modelPath, v); }
    public QuestGenerator setModelLoader(String v) { return put(modelLoader, v); }
    public QuestGenerator setTask(String v) { return put(task, v); }
    public QuestGenerator setInputCol(String v) { return put(inputCol, v); }
    /** Same as {@link #setInputCol}. */
    public QuestGenerator setTextCol(String v) { return put(inputCol, v); }
    public QuestGenerator setQuestionCol(String v) { return put(questionCol, v); }
    public QuestGenerator setOutputCol(String v) { return put(outputCol, v); }
    public QuestGenerator setMaxNewTokens(int v) { return put(maxNewTokens, v); }
    public QuestGenerator setTemperature(float v) { return put(temperature, v); }
    public QuestGenerator setTopK(int v) { return put(topK, v); }
    public QuestGenerator setTopP(float v) { return put(topP, v); }
    public QuestGenerator setSeed(long v) { return put(seed, v); }
    public QuestGenerator setAttention(String v) { return put(attention, v == null ? null : v.trim().toLowerCase()); }
    public QuestGenerator setTokenBudget(int v) { return put(tokenBudget, v); }
    public QuestGenerator setPageSize(int v) { return put(pageSize, v); }
    public QuestGenerator setDenseLayers(int v) { return put(denseLayers, v); }
    public QuestGenerator setGqaPolicy(String v) { return put(gqaPolicy, v == null ? "" : v); }
    public QuestGenerator setSinkPages(int v) { return put(sinkPages, v); }
    public QuestGenerator setTokenBudgetFraction(double v) { return put(tokenBudgetFraction, v); }
    public QuestGenerator setThreadsPerTask(int v) { return put(threadsPerTask, v); }
    public QuestGenerator setChat(String v) { return put(chat, normalizeChat(v)); }
    public QuestGenerator setChat(boolean v) { return put(chat, v ? "on" : "off"); }
    public QuestGenerator setContextTokens(int v) { return put(contextTokens, v); }
    public QuestGenerator setChunkOverlap(int v) { return put(chunkOverlap, v); }
    public QuestGenerator setQaChunkTokens(int v) { return put(qaChunkTokens, v); }
    /**
     * Directory of KV snapshots: with the answer task (or a template with {question} after {text}), a document
     * that fits the context is restored from its snapshot instead of prefilled, or prefilled and saved there.
     * It must be local (local mode) or mounted at the same path on every executor; empty for none.
     */
    public QuestGenerator setKvCache(String v) { return put(kvCache, v == null ? "" : v.trim()); }

    private <T> QuestGenerator put(Param<T> p, T v) {
        set(p, v);
        return this;
    }

    private static String normalizeChat(String v) {
        String s = v == null ? "auto" : v.trim().toLowerCase();
        return switch (s) {
            case "true", "yes", "1" -> "on";
            case "false", "no", "0" -> "off";
            default -> s;
        };
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        requireString(schema, getInputCol(), "text");
        if (Tasks.needsQuestion(getTask())) {
            requireString(schema, getQuestionCol(), "question");
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
        DistributedModelFile.checkVisible(location, hadoop);
        Broadcast<SerializableConfiguration> conf = location.isLocal() ? null : SerializableConfiguration.broadcast(sc, hadoop);

        Dataset<Row> in = dataset.toDF();
        int width = in.schema().fields().length;
        Dataset<Row> checked = in.withColumn(CHECK_COLUMN, functions.is_valid_utf8(in.col(getInputCol())));
        List<String> names = Arrays.asList(in.schema().fieldNames());
        GeneratePartition.Columns columns = new GeneratePartition.Columns(width, names.indexOf(getInputCol()),
                Tasks.needsQuestion(getTask()) ? names.indexOf(getQuestionCol()) : -1, width);
        GeneratePartition.Counters counters = new GeneratePartition.Counters(sc.longAccumulator("quest rows"),
                sc.longAccumulator("quest error rows"), sc.longAccumulator("quest generated tokens"));
        String failOnce = spark.conf().get(FailOnce.KEY, "");
        GeneratePartition fn = new GeneratePartition(settings(sc), columns, failOnce, conf, counters);
        return checked.mapPartitions(fn, Encoders.row(outSchema));
    }

    /** The settings tasks receive; threads follow spark.task.cpus unless set; the KV cache directory is made here. */
    GeneratorSettings settings(SparkContext sc) {
        int threads = getThreadsPerTask() > 0 ? getThreadsPerTask() : Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
        SamplingSettings sampling = new SamplingSettings(getMaxNewTokens(), getTemperature(), getTopK(), getTopP(), getSeed());
        AttentionSettings att = new AttentionSettings(getAttention(), getTokenBudget(), getPageSize(), getDenseLayers(),
                getGqaPolicy(), getSinkPages(), getTokenBudgetFraction());
        return new GeneratorSettings(getModelPath(), getModelLoader(), getTask(), getChat(), sampling, att, threads,
                getContextTokens(), getChunkOverlap(), getQaChunkTokens(), KvCacheDirectory.prepare(getKvCache()));
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
