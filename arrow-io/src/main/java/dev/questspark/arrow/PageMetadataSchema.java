package dev.questspark.arrow;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of Quest page metadata: one row per (document, layer, KV head, page) with the page's token range
 * and the channel-wise min and max of its keys (after RoPE, as attention sees them).
 *
 * <pre>
 * document_id  Utf8 not null
 * layer        Int32 not null
 * kv_head      Int32 not null
 * page_index   Int32 not null
 * first_token  Int32 not null        position of the page's first token in the document
 * token_count  Int32 not null        tokens in the page (the last page may be partial)
 * key_min      FixedSizeList&lt;Float32&gt;[head_dim] not null
 * key_max      FixedSizeList&lt;Float32&gt;[head_dim] not null
 * </pre>
 *
 * The list size is the model's head dim, so the schema depends on it: {@link #SCHEMA} is the one of the default
 * model (SmolLM2-135M, head dim 64) and {@link #schema(int)} builds it for any other.
 */
public final class PageMetadataSchema {
    public static final String DOCUMENT_ID = "document_id";
    public static final String LAYER = "layer";
    public static final String KV_HEAD = "kv_head";
    public static final String PAGE_INDEX = "page_index";
    public static final String FIRST_TOKEN = "first_token";
    public static final String TOKEN_COUNT = "token_count";
    public static final String KEY_MIN = "key_min";
    public static final String KEY_MAX = "key_max";
    /** Name of the child field of key_min and key_max. */
    public static final String CHANNEL = "channel";

    /** Head dim of the project's default model, SmolLM2-135M-Instruct. */
    public static final int DEFAULT_HEAD_DIM = 64;

    /** The page metadata schema for head dim 64 (SmolLM2-135M). */
    public static final Schema SCHEMA = schema(DEFAULT_HEAD_DIM);

    private PageMetadataSchema() {}

    /** The page metadata schema for a model whose heads have headDim channels. */
    public static Schema schema(int headDim) {
        return new Schema(fields(headDim));
    }

    /** The schema's fields, in order (the snapshot schema starts with them). */
    static List<Field> fields(int headDim) {
        if (headDim < 1) {
            throw new IllegalArgumentException("head dim must be positive, got " + headDim);
        }
        return List.of(utf8(DOCUMENT_ID), int32(LAYER), int32(KV_HEAD), int32(PAGE_INDEX), int32(FIRST_TOKEN),
                int32(TOKEN_COUNT), channels(KEY_MIN, headDim), channels(KEY_MAX, headDim));
    }

    /** The head dim a page metadata schema was built for (the list size of key_min). */
    public static int headDim(Schema schema) {
        Field f = schema.getFields().stream().filter(x -> x.getName().equals(KEY_MIN)).findFirst().orElse(null);
        if (f == null || !(f.getType() instanceof ArrowType.FixedSizeList list)) {
            throw new IllegalArgumentException("not a page metadata schema: it needs " + KEY_MIN + " as a FixedSizeList<Float32>, got "
                    + (f == null ? "no such field" : f.getType()));
        }
        return list.getListSize();
    }

    private static Field utf8(String name) {
        return new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
    }

    private static Field int32(String name) {
        return new Field(name, FieldType.notNullable(new ArrowType.Int(32, true)), null);
    }

    private static Field channels(String name, int headDim) {
        Field channel = new Field(CHANNEL, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        return new Field(name, FieldType.notNullable(new ArrowType.FixedSizeList(headDim)), List.of(channel));
    }
}
