package dev.questspark.model;

/**
 * Activation buffers for forward passes of up to {@code block} tokens. One per session; never shared between
 * threads that run forward passes concurrently.
 */
public final class ForwardState {
    private final int block;
    final float[] x;      // (block, dim) residual stream
    final float[] xb;     // (block, dim) normed input / projection output
    final float[] q;      // (block, heads * headDim)
    final float[] k;      // (block, kvHeads * headDim)
    final float[] v;      // (block, kvHeads * headDim)
    final float[] att;    // (block, heads * headDim) attention output
    final float[] gate;   // (block, ffnDim)
    final float[] up;     // (block, ffnDim)
    final float[] logits; // (vocab)
    final float[] ropeCos; // (block, ropeDim / 2) rotation of each token's channel pairs, shared by all layers
    final float[] ropeSin; // (block, ropeDim / 2)
    final float[] gateRow; // (ffnDim) one row's SwiGLU when rows do not start on a vector boundary
    final float[] upRow;   // (ffnDim)
    final float[] ropeCosSliding; // (block, ropeDim / 2) the same at the RoPE base of sliding-window layers
    final float[] ropeSinSliding; // (block, ropeDim / 2)

    public ForwardState(LlamaConfig c, int block) {
        if (block < 1) {
            throw new IllegalArgumentException("block must be at least 1, got " + block);
        }
        this.block = block;
        x = new float[block * c.dim()];
        xb = new float[block * c.dim()];
        q = new float[block * c.qDim()];
        k = new float[block * c.kvDim()];
        v = new float[block * c.kvDim()];
        att = new float[block * c.qDim()];
        gate = new float[block * c.ffnDim()];
        up = new float[block * c.ffnDim()];
        logits = new float[c.vocabSize()];
        ropeCos = new float[block * (c.ropeDim() / 2)];
        ropeSin = new float[block * (c.ropeDim() / 2)];
        gateRow = new float[c.ffnDim()];
        upRow = new float[c.ffnDim()];
        ropeCosSliding = new float[block * (c.ropeDim() / 2)];
        ropeSinSliding = new float[block * (c.ropeDim() / 2)];
    }

    public int block() {
        return block;
    }
}
