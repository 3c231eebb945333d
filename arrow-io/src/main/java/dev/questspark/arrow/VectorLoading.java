package dev.questspark.arrow;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * Puts whole buffers into vectors that have no nulls (all-valid validity bitmaps are made by Arrow), so bulk data
 * never goes through per-value setters. Each method takes over the caller's reference to the buffers it is given.
 */
final class VectorLoading {
    private VectorLoading() {}

    /** A fixed-width vector of count values whose data is exactly data (count * width bytes). */
    static void fixedWidth(FieldVector vector, int count, ArrowBuf data) {
        try (data) {
            vector.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(vector.getAllocator().getEmpty(), data));
        }
    }

    /** A FixedSizeList vector of rows lists whose child values are exactly childData. */
    static void fixedSizeList(FixedSizeListVector vector, int rows, ArrowBuf childData) {
        fixedWidth(vector.getDataVector(), rows * vector.getListSize(), childData);
        vector.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(vector.getAllocator().getEmpty()));
    }

    /** A binary vector whose row i is data[offsets[i], offsets[i + 1]). */
    static void binary(VarBinaryVector vector, int[] offsets, ArrowBuf data) {
        int rows = offsets.length - 1;
        try (data; ArrowBuf offsetBuf = vector.getAllocator().buffer((long) offsets.length * Integer.BYTES)) {
            for (int i = 0; i < offsets.length; i++) {
                offsetBuf.setInt((long) i * Integer.BYTES, offsets[i]);
            }
            vector.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(vector.getAllocator().getEmpty(), offsetBuf, data));
        }
    }
}
