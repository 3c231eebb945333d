package dev.questspark.jobs;

import dev.questspark.jobs.generate.RowResult;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;

/** The columns {@link QuestGenerator} adds after the generated text; docs/output-schema.md describes each. */
public final class OutputColumns {
    public static final String STATUS = "status";
    public static final String ERROR = "error";
    public static final String PROMPT_TOKENS = "prompt_tokens";
    public static final String CACHED_TOKENS = "cached_tokens";
    public static final String GENERATED_TOKENS = "generated_tokens";
    public static final String CHUNKS = "chunks";
    public static final String CHUNKS_TOTAL = "chunks_total";
    public static final String MODEL_CALLS = "model_calls";
    public static final String PREFILL_MS = "prefill_ms";
    public static final String DECODE_MS = "decode_ms";
    public static final String FINISH_REASON = "finish_reason";
    public static final String ATTENTION = "attention";
    public static final String TOKEN_BUDGET = "token_budget";
    public static final String PAGES_SELECTED = "pages_selected";
    public static final String KV_BYTES_READ = "kv_bytes_read";
    public static final String KV_BYTES_DENSE = "kv_bytes_dense";
    public static final String NOTE = "note";

    /** Columns that measure time; every other output column is deterministic under greedy decoding. */
    public static final List<String> TIMING = List.of(PREFILL_MS, DECODE_MS);

    private OutputColumns() {
    }

    /** The statistics columns, in order. */
    public static List<StructField> statistics() {
        List<StructField> f = new ArrayList<>();
        f.add(field(STATUS, DataTypes.StringType, false));
        f.add(field(ERROR, DataTypes.StringType, true));
        f.add(field(PROMPT_TOKENS, DataTypes.IntegerType, false));
        f.add(field(CACHED_TOKENS, DataTypes.IntegerType, false));
        f.add(field(GENERATED_TOKENS, DataTypes.IntegerType, false));
        f.add(field(CHUNKS, DataTypes.IntegerType, false));
        f.add(field(CHUNKS_TOTAL, DataTypes.IntegerType, false));
        f.add(field(MODEL_CALLS, DataTypes.IntegerType, false));
        f.add(field(PREFILL_MS, DataTypes.DoubleType, false));
        f.add(field(DECODE_MS, DataTypes.DoubleType, false));
        f.add(field(FINISH_REASON, DataTypes.StringType, true));
        f.add(field(ATTENTION, DataTypes.StringType, false));
        f.add(field(TOKEN_BUDGET, DataTypes.IntegerType, true));
        f.add(field(PAGES_SELECTED, DataTypes.LongType, false));
        f.add(field(KV_BYTES_READ, DataTypes.LongType, false));
        f.add(field(KV_BYTES_DENSE, DataTypes.LongType, false));
        f.add(field(NOTE, DataTypes.StringType, true));
        return f;
    }

    /** The names of the statistics columns, in order. */
    public static List<String> statisticsNames() {
        return statistics().stream().map(StructField::name).toList();
    }

    /** The generated text followed by the statistics, in the order of {@link #statistics()}. */
    static Object[] values(RowResult r) {
        return new Object[]{r.text(), r.status(), r.error(), r.promptTokens(), r.cachedTokens(), r.generatedTokens(),
                r.chunks(), r.chunksTotal(), r.modelCalls(), r.prefillMs(), r.decodeMs(), r.finishReason(), r.attention(),
                r.tokenBudget(), r.pagesSelected(), r.kvBytesRead(), r.kvBytesDense(), r.note()};
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
