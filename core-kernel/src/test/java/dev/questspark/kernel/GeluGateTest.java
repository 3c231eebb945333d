package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GeGLU over a range equals GeGLU over the whole array (a batched step splits it over threads), and follows ggml's
 * cut-offs: 0 at or below -10, the gate value itself at or above 10.
 */
class GeluGateTest {
    @Test
    void anySplitGivesTheWholeResultBitForBit() {
        Random rnd = new Random(5);
        int n = 3 * 2048 + 17;
        float[] gate = new float[n];
        float[] up = new float[n];
        for (int i = 0; i < n; i++) {
            gate[i] = (float) (rnd.nextGaussian() * 4);
            up[i] = (float) rnd.nextGaussian();
        }
        float[] whole = gate.clone();
        GeluGate.geglu(whole, up.clone(), n);
        for (int parts : new int[] {2, 3, 7}) {
            float[] split = gate.clone();
            for (int p = 0; p < parts; p++) {
                GeluGate.geglu(split, up, p * n / parts, (p + 1) * n / parts);
            }
            assertArrayEquals(whole, split, parts + " parts");
        }
    }

    @Test
    void largeGatesFollowGgmlsCutOffs() {
        float[] gate = {-10f, -50f, 10f, 12.5f};
        float[] up = {3f, 3f, 2f, 2f};
        GeluGate.geglu(gate, up, 0, gate.length);
        assertEquals(0f, gate[0]);
        assertEquals(0f, gate[1]);
        assertEquals(20f, gate[2]);
        assertEquals(25f, gate[3]);
    }
}
