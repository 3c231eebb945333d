package dev.questspark.kernel;

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
