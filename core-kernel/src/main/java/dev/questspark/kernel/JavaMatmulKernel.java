package dev.questspark.kernel;

import dev.questspark.gguf.GgmlType;
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
    public void dequantizeRow(WeightTensor w, int row, float[] out, int off) {
        MatmulChecks.checkRow(w, row, out, off);
        State st = state.get();
        st.rows(w.type()).dequantize(st.row(w, row), w.cols(), out, off);
    }
}
