package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;

/** Argument checks shared by the matmul kernels, so both reject the same calls with the same messages. */
final class MatmulChecks {
    private MatmulChecks() {}

    static void checkMatmul(WeightTensor w, float[] x, int n, float[] out, int rowStart, int rowEnd) {
        if (n < 0) {
            throw new IllegalArgumentException(w.name() + ": token count n must be >= 0, got " + n);
        }
        if (rowStart < 0 || rowStart > rowEnd || rowEnd > w.rows()) {
            throw new IllegalArgumentException(w.name() + ": row range [" + rowStart + ", " + rowEnd
                    + ") is not inside [0, " + w.rows() + ")");
        }
        if ((long) x.length < (long) n * w.cols()) {
            throw new IllegalArgumentException(w.name() + ": x holds " + x.length + " floats, need n * cols = "
                    + (long) n * w.cols());
        }
        if ((long) out.length < (long) n * w.rows()) {
            throw new IllegalArgumentException(w.name() + ": out holds " + out.length + " floats, need n * rows = "
                    + (long) n * w.rows());
        }
    }

    static void checkBounds(WeightTensor w, float[] x, int n, float[] pn, float[] out, float[] up, float[] down, int rowStart,
                            int rowEnd) {
        checkMatmul(w, x, n, out, rowStart, rowEnd);
        if (w.type() != GgmlType.Q4_0 && w.type() != GgmlType.Q5_0 && w.type() != GgmlType.Q8_0) {
            throw new IllegalArgumentException(w.name() + ": bound sums need blocks that start with a binary16 scale, not "
                    + w.type());
        }
        long need = (long) n * w.rows();
        if ((long) pn.length < (long) n * 2 * (w.cols() / 32) || up.length < need || down.length < need) {
            throw new IllegalArgumentException(w.name() + ": pn must hold n * 2 * cols / 32 floats and up, down n * rows");
        }
    }

    static void checkRows(WeightTensor w, float[] x, int xOff, int[] ids, int count, float[] out) {
        if (count < 0 || count > ids.length || count > out.length) {
            throw new IllegalArgumentException(w.name() + ": count " + count + " must be in [0, min(ids.length "
                    + ids.length + ", out.length " + out.length + ")]");
        }
        if (xOff < 0 || (long) xOff + w.cols() > x.length) {
            throw new IllegalArgumentException(w.name() + ": x[" + xOff + " .. " + ((long) xOff + w.cols())
                    + ") does not fit an array of " + x.length);
        }
        for (int i = 0; i < count; i++) {
            if (ids[i] < 0 || ids[i] >= w.rows()) {
                throw new IllegalArgumentException(w.name() + ": row " + ids[i] + " is not inside [0, " + w.rows() + ")");
            }
        }
    }

    static void checkRow(WeightTensor w, int row, float[] out, int off) {
        if (row < 0 || row >= w.rows()) {
            throw new IllegalArgumentException(w.name() + ": row " + row + " is not inside [0, " + w.rows() + ")");
        }
        if (off < 0 || (long) off + w.cols() > out.length) {
            throw new IllegalArgumentException(w.name() + ": out[" + off + " .. " + ((long) off + w.cols())
                    + ") does not fit an array of " + out.length);
        }
    }
}
