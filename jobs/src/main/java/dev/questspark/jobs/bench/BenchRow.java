package dev.questspark.jobs.bench;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One document (summarize) or one question (qa) of one bench run (parallelism, batch size, task, attention, budget);
 * context is the synthetic length, or for a corpus the prompt length rounded up to a power of two.
 */
public record BenchRow(int parallelism, int batchSize, String task, String attention, Integer tokenBudget, String id,
                       int context, String status,
                       String error, int promptTokens, int generatedTokens, int chunks, double prefillMs, double decodeMs,
                       long pagesSelected, long kvBytesRead, long kvBytesDense, double runSeconds) {
    public static final StructType SCHEMA = new StructType()
            .add("parallelism", DataTypes.IntegerType, false)
            .add("batch_size", DataTypes.IntegerType, false)
            .add("task", DataTypes.StringType, false)
            .add("attention", DataTypes.StringType, false)
            .add("token_budget", DataTypes.IntegerType, true)
            .add("id", DataTypes.StringType, false)
            .add("context", DataTypes.IntegerType, false)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("prompt_tokens", DataTypes.IntegerType, false)
            .add("generated_tokens", DataTypes.IntegerType, false)
            .add("chunks", DataTypes.IntegerType, false)
            .add("prefill_ms", DataTypes.DoubleType, false)
            .add("decode_ms", DataTypes.DoubleType, false)
            .add("decode_ms_per_token", DataTypes.DoubleType, true)
            .add("pages_selected", DataTypes.LongType, false)
            .add("kv_bytes_read", DataTypes.LongType, false)
            .add("kv_bytes_dense", DataTypes.LongType, false)
            .add("run_seconds", DataTypes.DoubleType, false);

    /** The run this row belongs to, e.g. "quest 256" or "dense". */
    public String mode() {
        return tokenBudget == null ? attention : attention + " " + tokenBudget;
    }

    public Double decodeMsPerToken() {
        return generatedTokens > 0 ? decodeMs / generatedTokens : null;
    }

    public Row toRow() {
        return RowFactory.create(parallelism, batchSize, task, attention, tokenBudget, id, context, status, error, promptTokens,
                generatedTokens, chunks, prefillMs, decodeMs, decodeMsPerToken(), pagesSelected, kvBytesRead, kvBytesDense,
                runSeconds);
    }
}
