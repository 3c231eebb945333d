package dev.questspark.jobs;

import dev.questspark.jobs.generate.ChunkWork;
import dev.questspark.jobs.generate.RowResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The rows between the split summarize stages: work rows (one model call each, see {@link ChunkWork}) and result
 * rows (the call's description without its tokens, its output text and the statistics columns of that call).
 */
final class ChunkRows {
    static final String KEY = "__quest_doc_key";
    static final String LEVEL = "level";
    static final String INDEX = "chunk_index";
    static final String COUNT = "chunk_count";
    static final String LAST = "last";
    static final String TOKENS = "tokens";
    static final String ROW_SEED = "row_seed";
    static final String CALL = "call";
    static final String TEXT_LENGTH = "text_length";
    static final String CHUNKS = "level0_chunks";
    static final String WORK_ERROR = "work_error";
    /** The call's output in result rows (the statistics columns follow it). */
    static final String TEXT = "chunk_text";

    /** A work row: one call (or a document's error), in the fields of {@link ChunkWork}. */
    static final StructType WORK = new StructType()
            .add(KEY, DataTypes.LongType, false)
            .add(LEVEL, DataTypes.IntegerType, false)
            .add(INDEX, DataTypes.IntegerType, false)
            .add(COUNT, DataTypes.IntegerType, false)
            .add(LAST, DataTypes.BooleanType, false)
            .add(TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add(ROW_SEED, DataTypes.LongType, false)
            .add(CALL, DataTypes.IntegerType, false)
            .add(TEXT_LENGTH, DataTypes.IntegerType, false)
            .add(CHUNKS, DataTypes.IntegerType, false)
            .add(WORK_ERROR, DataTypes.StringType, true);

    static final StructType RESULT = result();

    private ChunkRows() {
    }

    private static StructType result() {
        StructType t = new StructType();
        for (StructField f : WORK.fields()) {
            if (!f.name().equals(TOKENS) && !f.name().equals(WORK_ERROR)) {
                t = t.add(f);
            }
        }
        t = t.add(TEXT, DataTypes.StringType, true);
        for (StructField f : OutputColumns.statistics()) {
            t = t.add(f);
        }
        return t;
    }

    static Row work(ChunkWork w) {
        return RowFactory.create(w.key(), w.level(), w.index(), w.count(), w.last(), w.tokens(), w.rowSeed(), w.call(),
                w.textLength(), w.chunks(), w.error());
    }

    static ChunkWork work(Row r) {
        List<Integer> t = r.getList(5);
        int[] tokens = new int[t.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = t.get(i);
        }
        return new ChunkWork(r.getLong(0), r.getInt(1), r.getInt(2), r.getInt(3), r.getBoolean(4), tokens, r.getLong(6),
                r.getInt(7), r.getInt(8), r.getInt(9), r.isNullAt(10) ? null : r.getString(10));
    }

    static Row result(ChunkWork w, RowResult r) {
        Object[] stats = OutputColumns.values(r);
        // The work row's fields but the tokens and the error, then the call's text and statistics.
        Object[] meta = {w.key(), w.level(), w.index(), w.count(), w.last(), w.rowSeed(), w.call(), w.textLength(), w.chunks()};
        Object[] values = new Object[meta.length + stats.length];
        System.arraycopy(meta, 0, values, 0, meta.length);
        System.arraycopy(stats, 0, values, meta.length, stats.length);
        return RowFactory.create(values);
    }

    /** The first call of a result row's level, as the work that made it (for {@link ChunkWork} of the next level). */
    static ChunkWork head(Row r) {
        return new ChunkWork(r.getLong(0), r.getInt(1), r.getInt(2), r.getInt(3), r.getBoolean(4), new int[0], r.getLong(5),
                r.getInt(6), r.getInt(7), r.getInt(8), null);
    }

    static boolean ok(Row result) {
        return RowResult.OK.equals(result.getString(RESULT.fieldIndex(OutputColumns.STATUS)));
    }

    static String text(Row result) {
        int i = RESULT.fieldIndex(TEXT);
        return result.isNullAt(i) ? null : result.getString(i);
    }
}
