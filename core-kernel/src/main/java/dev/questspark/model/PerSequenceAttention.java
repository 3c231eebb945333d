package dev.questspark.model;

/**
 * {@link BatchAttention} that runs each row through its own cache's {@link KvCache#attend}: the reference every
 * other implementation must match bit for bit. The cache reads a query and writes an output starting at index 0, so
 * each row is copied in and out of a one-row buffer (qDim floats, negligible beside the KV it reads).
 */
final class PerSequenceAttention implements BatchAttention {
    private final int qDim;
    private final float[] qRow;   // (heads * headDim)
    private final float[] outRow; // (heads * headDim)

    PerSequenceAttention(int qDim) {
        this.qDim = qDim;
        this.qRow = new float[qDim];
        this.outRow = new float[qDim];
    }

    @Override
    public void attend(int layer, KvCache[] caches, int[] positions, int rows, float[] q, float[] out) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(q, i * qDim, qRow, 0, qDim);
            caches[i].attend(layer, positions[i], 1, qRow, outRow);
            System.arraycopy(outRow, 0, out, i * qDim, qDim);
        }
    }
}
