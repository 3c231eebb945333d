package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * A slow, plain restatement of what the matmul kernels must compute, written from the ggml block formats: weight
 * rows are dequantized value by value, activations are quantized block by block as llama.cpp's x86 build does,
 * and dots are taken in double. Also makes random weight tensors and activations.
 */
final class MatmulReference {
    private MatmulReference() {}

    /** One token's activations as the kernels see them: the values each weight value is multiplied with. */
    static final class Converted {
        double[] values;    // (cols) dequantized activation values q * d (or rounded floats)
        double minTerm;     // Q4_1 only: sum over blocks of weight m * activation s
        double minTermAbs;  // Q4_1 only: sum of |m * s|
    }

    static final class Q8Block {
        byte[] q = new byte[32];
        float d;      // fp16-rounded amax / 127
        float s;      // fp16-rounded (amax / 127) * sum(q)
        int sum;
    }

    /** ggml's x86 quantize_row_q8_0 / q8_1 for one block: id = 127 / amax, round half to even. */
    static Q8Block quantizeQ8(float[] x, int off) {
        Q8Block b = new Q8Block();
        float amax = 0f;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[off + j]));
        }
        float d = amax / 127f;
        float id = amax == 0f ? 0f : 127f / amax;
        for (int j = 0; j < 32; j++) {
            float v = x[off + j] * id;
            int r = (int) Math.floor(v);
            float frac = v - r;
            if (frac > 0.5f || (frac == 0.5f && (r & 1) != 0)) {
                r++;
            }
            b.q[j] = (byte) r;
            b.sum += r;
        }
        b.d = Float16.round(d);
        b.s = Float16.round(d * (float) b.sum);
        return b;
    }

    static final class Q8KBlock {
        byte[] q = new byte[256];
        float d;
        short[] bsums = new short[16];
    }

    /** ggml's quantize_row_q8_K for one 256-block. */
    static Q8KBlock quantizeQ8K(float[] x, int off) {
        Q8KBlock b = new Q8KBlock();
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < 256; j++) {
            if (Math.abs(x[off + j]) > amax) {
                amax = Math.abs(x[off + j]);
                max = x[off + j];
            }
        }
        if (amax == 0f) {
            return b;
        }
        float iscale = -127f / max;
        for (int j = 0; j < 256; j++) {
            int v = (int) Math.rint(iscale * x[off + j]);
            b.q[j] = (byte) Math.min(127, v);
            b.bsums[j / 16] += b.q[j];
        }
        b.d = 1f / iscale;
        return b;
    }

    /** Activation values of one token as the weight type's kernels see them. */
    static Converted convert(GgmlType type, byte[] weightRow, float[] x, int off, int cols) {
        Converted c = new Converted();
        c.values = new double[cols];
        switch (type) {
            case F32 -> {
                for (int i = 0; i < cols; i++) {
                    c.values[i] = x[off + i];
                }
            }
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    c.values[i] = Float16.round(x[off + i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    c.values[i] = BFloat16.round(x[off + i]);
                }
            }
            case Q8_0, Q4_0, Q4_1, Q5_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    Q8Block q = quantizeQ8(x, off + b * 32);
                    for (int j = 0; j < 32; j++) {
                        c.values[b * 32 + j] = (double) q.q[j] * q.d;
                    }
                    if (type == GgmlType.Q4_1) {
                        double m = half(weightRow, b * 20 + 2);
                        c.minTerm += m * q.s;
                        c.minTermAbs += Math.abs(m * q.s);
                    }
                }
            }
            case Q4_K, Q6_K -> {
                for (int b = 0; b < cols / 256; b++) {
                    Q8KBlock q = quantizeQ8K(x, off + b * 256);
                    for (int j = 0; j < 256; j++) {
                        c.values[b * 256 + j] = (double) q.q[j] * q.d;
                    }
                }
            }
        }
        return c;
    }

    /**
     * The values the dot product multiplies with the activations. For Q4_1 that is nibble * d without the block
     * minimum m: ggml adds m times the activation block's stored sum s instead (see {@link Converted#minTerm}).
     */
    static double[] dotWeights(GgmlType type, byte[] row, int cols) {
        double[] w = dequantize(type, row, cols);
        if (type == GgmlType.Q4_1) {
            for (int i = 0; i < cols; i++) {
                w[i] -= half(row, (i / 32) * 20 + 2);
            }
        }
        return w;
    }

    /** The row's values, from the ggml block layouts, in double. */
    static double[] dequantize(GgmlType type, byte[] row, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < cols; i++) {
            out[i] = switch (type) {
                case F32 -> Float.intBitsToFloat(ByteBuffer.wrap(row, 4 * i, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
                case F16 -> half(row, 2 * i);
                case BF16 -> Float.intBitsToFloat(u16(row, 2 * i) << 16);
                case Q8_0 -> half(row, (i / 32) * 34) * row[(i / 32) * 34 + 2 + i % 32];
                case Q4_0 -> half(row, (i / 32) * 18) * (nibble(row, (i / 32) * 18 + 2, i % 32) - 8);
                case Q4_1 -> half(row, (i / 32) * 20) * nibble(row, (i / 32) * 20 + 4, i % 32) + half(row, (i / 32) * 20 + 2);
                case Q5_0 -> half(row, (i / 32) * 22) * (nibble(row, (i / 32) * 22 + 6, i % 32) + 16 * highBit(row, (i / 32) * 22 + 2, i % 32) - 16);
                case Q4_K -> q4k(row, i);
                case Q6_K -> q6k(row, i);
            };
        }
        return out;
    }

    /** Value j (0..31) of a 32-block's 16 packed bytes: low nibbles hold values 0..15, high nibbles 16..31. */
    private static int nibble(byte[] row, int qs, int j) {
        int b = row[qs + j % 16] & 0xff;
        return j < 16 ? b & 15 : b >>> 4;
    }

    /** Bit j (0..31) of the little-endian 32-bit word at qh: Q5_0's fifth bit of value j. */
    private static int highBit(byte[] row, int qh, int j) {
        return ((row[qh + j / 8] & 0xff) >>> (j % 8)) & 1;
    }

    private static double q4k(byte[] row, int i) {
        int blk = (i / 256) * 144;
        int v = i % 256;
        int sub = v / 32; // eight sub-blocks of 32 with 6-bit scale and min
        int[] sm = scaleMin(row, blk + 4, sub);
        int chunk = v / 64; // 32 bytes per 64 values: low nibbles first 32 values, high nibbles the next 32
        int b = row[blk + 16 + chunk * 32 + v % 32] & 0xff;
        int q = (v % 64) < 32 ? b & 15 : b >>> 4;
        return half(row, blk) * sm[0] * q - half(row, blk + 2) * sm[1];
    }

    private static int[] scaleMin(byte[] row, int sc, int j) {
        int[] s = new int[12];
        for (int k = 0; k < 12; k++) {
            s[k] = row[sc + k] & 0xff;
        }
        if (j < 4) {
            return new int[] {s[j] & 63, s[j + 4] & 63};
        }
        return new int[] {(s[j + 4] & 15) | ((s[j - 4] >> 6) << 4), (s[j + 4] >> 4) | ((s[j] >> 6) << 4)};
    }

    private static double q6k(byte[] row, int i) {
        int blk = (i / 256) * 210;
        int v = i % 256;
        int half = v / 128; // each 128 values: 64 bytes of ql, 32 bytes of qh
        int quarter = (v % 128) / 32;
        int l = v % 32;
        int ql = row[blk + half * 64 + l + (quarter % 2) * 32] & 0xff;
        int low = quarter < 2 ? ql & 15 : ql >> 4;
        int high = ((row[blk + 128 + half * 32 + l] & 0xff) >> (2 * quarter)) & 3;
        int scale = row[blk + 192 + v / 16];
        return half(row, blk + 208) * scale * ((low | high << 4) - 32);
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    static double half(byte[] b, int i) {
        return Float16.toFloat((short) u16(b, i));
    }

    /** Expected output and its tolerance for one (row, token). */
    static double[] expect(GgmlType type, byte[] row, float[] x, int off, int cols) {
        double[] w = dotWeights(type, row, cols);
        Converted c = convert(type, row, x, off, cols);
        double dot = c.minTerm;
        double l1 = c.minTermAbs;
        for (int i = 0; i < cols; i++) {
            dot += w[i] * c.values[i];
            l1 += Math.abs(w[i] * c.values[i]);
        }
        return new double[] {dot, l1};
    }

    // ---- random data ----

    /** A random weight tensor of the given type whose values are in a model-like range. */
    static WeightTensor randomWeights(Random rnd, GgmlType type, int rows, int cols) {
        int rowBytes = (int) type.rowBytes(cols);
        byte[] bytes = new byte[rows * rowBytes];
        rnd.nextBytes(bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            switch (type) {
                case F32 -> {
                    for (int i = 0; i < cols; i++) {
                        b.putFloat(base + 4 * i, (float) rnd.nextGaussian() * 0.1f);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < cols; i++) {
                        b.putShort(base + 2 * i, Float16.fromFloat((float) rnd.nextGaussian() * 0.1f));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < cols; i++) {
                        b.putShort(base + 2 * i, BFloat16.fromFloat((float) rnd.nextGaussian() * 0.1f));
                    }
                }
                case Q8_0 -> scales(rnd, b, base, cols / 32, 34, 0);
                case Q4_0 -> scales(rnd, b, base, cols / 32, 18, 0);
                case Q5_0 -> scales(rnd, b, base, cols / 32, 22, 0);
                case Q4_1 -> {
                    scales(rnd, b, base, cols / 32, 20, 0);
                    scales(rnd, b, base, cols / 32, 20, 2);
                }
                case Q4_K -> {
                    scales(rnd, b, base, cols / 256, 144, 0);
                    scales(rnd, b, base, cols / 256, 144, 2);
                }
                case Q6_K -> scales(rnd, b, base, cols / 256, 210, 208);
            }
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(bytes).flip();
        return new WeightTensor("test." + type, type, rows, cols, direct);
    }

    private static void scales(Random rnd, ByteBuffer b, int base, int blocks, int blockBytes, int at) {
        for (int k = 0; k < blocks; k++) {
            float v = (float) rnd.nextGaussian() * 0.01f;
            b.putShort(base + k * blockBytes + at, Float16.fromFloat(v));
        }
    }

    /**
     * Random activations with the awkward cases quantization meets: an all-zero block, tiny values whose scales
     * are fp16 subnormals, an outlier, and a block with amax 127 (scale 1) whose other values are k + 0.5, so
     * quantization must round ties to even.
     */
    static float[] randomActivations(Random rnd, int n, int cols) {
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int t = 0; t < n; t++) {
            int base = t * cols;
            int kind = rnd.nextInt(5);
            int start = base + (rnd.nextInt(Math.max(1, cols / 32))) * 32;
            int end = Math.min(base + cols, start + 32);
            for (int i = start; i < end; i++) {
                switch (kind) {
                    case 0 -> x[i] = 0f;
                    case 1 -> x[i] *= 1e-6f;
                    case 2 -> x[i] = i == start ? 127f : Math.max(-126.5f, Math.min(126.5f, Math.round(x[i] * 20) + 0.5f));
                    default -> { }
                }
            }
            if (kind == 3) {
                x[base + rnd.nextInt(cols)] = 40f;
            }
        }
        return x;
    }

    static byte[] rowBytes(WeightTensor w, int r) {
        byte[] row = new byte[(int) w.rowBytes()];
        w.data().get(r * row.length, row);
        return row;
    }
}
