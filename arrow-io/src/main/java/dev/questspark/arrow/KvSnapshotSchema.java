package dev.questspark.arrow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a KV snapshot file: the {@link PageMetadataSchema} columns, then per page its keys and values,
 * then the document's tokens and next-token logits. One record batch per (layer, KV head), in layer-major order,
 * one row per page.
 *
 * <pre>
 * ...page metadata columns...
 * keys         Binary not null      the page's keys, binary16 little-endian, (token_count, head_dim)
 * values       Binary not null      the page's values, same layout
 * tokens       List&lt;Int32&gt;      the document's token ids; on the first row of the file only, null elsewhere
 * next_logits  List&lt;Float32&gt;    logits for the token after the document (vocab); first row only
 * </pre>
 *
 * The schema's custom metadata is the {@link KvSnapshotHeader}.
 */
public final class KvSnapshotSchema {
    public static final String KEYS = "keys";
    public static final String VALUES = "values";
    public static final String TOKENS = "tokens";
    public static final String NEXT_LOGITS = "next_logits";

    private KvSnapshotSchema() {}

    /** The snapshot schema for a head dim, carrying metadata (null for none). */
    public static Schema schema(int headDim, Map<String, String> metadata) {
        List<Field> fields = new ArrayList<>(PageMetadataSchema.fields(headDim));
        fields.add(new Field(KEYS, FieldType.notNullable(ArrowType.Binary.INSTANCE), null));
        fields.add(new Field(VALUES, FieldType.notNullable(ArrowType.Binary.INSTANCE), null));
        fields.add(list(TOKENS, "token", new ArrowType.Int(32, true)));
        fields.add(list(NEXT_LOGITS, "logit", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
        return new Schema(fields, metadata);
    }

    private static Field list(String name, String child, ArrowType type) {
        Field item = new Field(child, FieldType.notNullable(type), null);
        return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
    }
}
