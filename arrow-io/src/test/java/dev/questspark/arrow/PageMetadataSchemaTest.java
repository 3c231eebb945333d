package dev.questspark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class PageMetadataSchemaTest {
    private static final ArrowType INT32 = new ArrowType.Int(32, true);

    @Test
    void staticSchemaHasTheDocumentedFieldsForHeadDim64() {
        Schema s = PageMetadataSchema.SCHEMA;
        List<String> names = s.getFields().stream().map(Field::getName).toList();
        assertEquals(List.of("document_id", "layer", "kv_head", "page_index", "first_token", "token_count", "key_min", "key_max"), names);
        assertEquals(ArrowType.Utf8.INSTANCE, s.findField("document_id").getType());
        for (String n : List.of("layer", "kv_head", "page_index", "first_token", "token_count")) {
            assertEquals(INT32, s.findField(n).getType(), n);
        }
        for (String n : List.of("key_min", "key_max")) {
            Field f = s.findField(n);
            assertEquals(new ArrowType.FixedSizeList(64), f.getType(), n);
            assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), f.getChildren().get(0).getType(), n);
        }
        s.getFields().forEach(f -> assertFalse(f.isNullable(), f.getName()));
        assertEquals(64, PageMetadataSchema.headDim(s));
    }

    @Test
    void factoryPutsTheHeadDimInTheListSize() {
        assertEquals(8, PageMetadataSchema.headDim(PageMetadataSchema.schema(8)));
        assertEquals(new ArrowType.FixedSizeList(128), PageMetadataSchema.schema(128).findField("key_max").getType());
        assertEquals(PageMetadataSchema.SCHEMA, PageMetadataSchema.schema(64));
        assertThrows(IllegalArgumentException.class, () -> PageMetadataSchema.schema(0));
    }

    @Test
    void snapshotSchemaStartsWithThePageMetadataColumns() {
        Schema snap = KvSnapshotSchema.schema(8, null);
        assertEquals(PageMetadataSchema.schema(8).getFields(), snap.getFields().subList(0, 8));
        assertEquals(List.of("keys", "values", "tokens", "next_logits"),
                snap.getFields().subList(8, 12).stream().map(Field::getName).toList());
    }
}
