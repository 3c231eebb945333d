package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
import java.util.Arrays;
import java.util.EnumMap;

/**
 * The pure-Java matmul kernel: the twin of the native generic C kernel (same activation quantization, same
 * per-block integer dots, same float operation order), used when the native library cannot load. Each
 * thread converts the activations once per call into its own scratch, then walks its rows.
 */
public final class JavaMatmulKernel implements MatmulKernel {
    private static final class State {
        final QuantizedActivations acts = new QuantizedActivations();
        final EnumMap<GgmlType, WeightRows> rows = new EnumMap<>(GgmlType.class);
        byte[] row = new byte[0];

        WeightRows rows(GgmlType type) {
            return rows.computeIfAbsent(type, WeightRows::create);
        }

        byte[] row(WeightTensor w, int r) {
            int bytes = (int) w.rowBytes();
            if (row.length < bytes) {
                row = new byte[bytes];
            }
            w.data().get(Math.toIntExact((long) r * bytes), row, 0, bytes);
            return row;
        }
    }

    private final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void matmul(WeightTensor w, float[] x, int n, float[] out, int rowStart, int rowEnd) {
        MatmulChecks.checkMatmul(w, x, n, out, rowStart, rowEnd);
        if (n == 0 || rowStart == rowEnd) {
            return;
        }
        State st = state.get();
        st.acts.convert(QuantizedActivations.formatFor(w.type()), x, n, w.cols());
        WeightRows rows = st.rows(w.type());
        for (int r = rowStart; r < rowEnd; r++) {
            rows.dot(st.row(w, r), w.cols(), st.acts, n, out, r, w.rows());
        }
    }

    @Override
    public void matmulBounds(WeightTensor w, float[] x, int n, float[] pn, float[] out, float[] up, float[] down, int rowStart,
                             int rowEnd) {
        MatmulChecks.checkBounds(w, x, n, pn, out, up, down, rowStart, rowEnd);
        matmul(w, x, n, out, rowStart, rowEnd);
        int nb = w.cols() / 32;
        int block = (int) (w.rowBytes() / nb);
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < n; t++) {
                float u = 0f;
                float d = 0f;
                for (int b = 0; b < nb; b++) {
                    float s = Float16.toFloat(w.data().getShort(Math.toIntExact(r * w.rowBytes() + (long) b * block)));
                    u = Math.fma(s, pn[t * 2 * nb + b], u);
                    d = Math.fma(s, pn[t * 2 * nb + nb + b], d);
                }
                up[t * w.rows() + r] = u;
                down[t * w.rows() + r] = d;
            }
        }
    }

    @Override
    public void matmulRows(WeightTensor w, float[] x, int xOff, int[] ids, int count, float[] out) {
        MatmulChecks.checkRows(w, x, xOff, ids, count, out);
        if (count == 0) {
            return;
        }
        State st = state.get();
        float[] token = xOff == 0 ? x : Arrays.copyOfRange(x, xOff, xOff + w.cols());
        st.acts.convert(QuantizedActivations.formatFor(w.type()), token, 1, w.cols());
        WeightRows rows = st.rows(w.type());
        for (int i = 0; i < count; i++) {
            rows.dot(st.row(w, ids[i]), w.cols(), st.acts, 1, out, i, 1);
        }
    }

    @Override
    public void dequantizeRow(WeightTensor w, int row, float[] out, int off) {
        MatmulChecks.checkRow(w, row, out, off);
        State st = state.get();
        st.rows(w.type()).dequantize(st.row(w, row), w.cols(), out, off);
    }
}
