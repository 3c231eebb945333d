package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.questspark.gguf.GgufFile;
import dev.questspark.gguf.GgufTensorInfo;
import dev.questspark.testing.TestModels;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kernels on real SmolLM2-135M tensors (real scales and minimums, the Q4_1 FFN and the tied Q8_0 embedding)
 * and on Gemma 3 270M's Q5_0, Q4_K, Q6_K and Q8_0 tensors against {@link MatmulReference}, with the tolerance of
 * {@link MatmulKernelTest}. Each is skipped without its model.
 */
@ExtendWith(NativeIsa.Restore.class)
class MatmulRealWeightsTest {
    @Test
    void realTensorsMatchReference() throws Exception {
        checkTensors(TestModels.smolLm2(), Integer.MAX_VALUE, "blk.0.ffn_up.weight", "blk.7.ffn_down.weight", "token_embd.weight");
    }

    @Test
    void gemma3TensorsMatchReference() throws Exception {
        // Q5_0 (attn_q, ffn_gate), Q8_0 (attn_v), Q6_K and Q4_K (ffn_down, attn_output); the first 80 rows of each
        checkTensors(TestModels.gemma3(), 80, "blk.0.attn_q.weight", "blk.3.ffn_gate.weight", "blk.0.attn_v.weight",
                "blk.0.ffn_down.weight", "blk.5.ffn_down.weight", "blk.2.attn_output.weight");
    }

    private static void checkTensors(java.nio.file.Path model, int maxRows, String... names) throws Exception {
        try (GgufFile gguf = GgufFile.open(model)) {
            Random rnd = new Random(17);
            for (String name : names) {
                WeightTensor w = weight(gguf, name);
                int start = name.startsWith("token") ? 4000 : 0;
                int end = name.startsWith("token") ? 4100 : Math.min(w.rows(), maxRows);
                for (int n : new int[] {1, 9}) {
                    float[] x = MatmulReference.randomActivations(rnd, n, w.cols());
                    for (MatmulKernelTest.Impl impl : MatmulKernelTest.IMPLS) {
                        float[] out = new float[n * w.rows()];
                        Arrays.fill(out, Float.NaN);
                        impl.kernel().matmul(w, x, n, out, start, end);
                        MatmulKernelTest.checkAgainstReference(w, x, n, out, start, end, impl + " " + name + " n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void embeddingRowsDequantizeLikeReference() throws Exception {
        try (GgufFile gguf = GgufFile.open(TestModels.smolLm2())) {
            WeightTensor emb = weight(gguf, "token_embd.weight");
            for (MatmulKernelTest.Impl impl : MatmulKernelTest.IMPLS) {
                for (int row : new int[] {0, 42, emb.rows() - 1}) {
                    float[] out = new float[emb.cols()];
                    impl.kernel().dequantizeRow(emb, row, out, 0);
                    double[] expected = MatmulReference.dequantize(emb.type(), MatmulReference.rowBytes(emb, row), emb.cols());
                    for (int i = 0; i < emb.cols(); i++) {
                        assertEquals(expected[i], out[i], 0.0, impl + " row " + row + " value " + i); // q * d: exact
                    }
                }
            }
        }
    }

    private static WeightTensor weight(GgufFile gguf, String name) throws Exception {
        GgufTensorInfo info = gguf.tensor(name);
        ByteBuffer data = gguf.tensorData(info);
        return new WeightTensor(name, info.type(), (int) info.dims()[1], (int) info.dims()[0], data);
    }
}
