package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The native SwiGLU (polynomial exp) against its libm-accurate Java twin: relative error within 1e-6. */
class ActivationsTest {
    @Test
    void nativeSwigluMatchesJavaTwin() {
        assumeTrue(NativeLibrary.isLoaded(), "native kernel not loaded: " + NativeLibrary.failure());
        Random r = new Random(7);
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 1536, 4099}) {
            float[] gate = new float[n];
            float[] up = new float[n];
            for (int i = 0; i < n; i++) {
                gate[i] = (float) (r.nextGaussian() * (i % 5 == 0 ? 40 : 3));
                up[i] = (float) r.nextGaussian();
            }
            float[] javaGate = gate.clone();
            new JavaActivations().swiglu(javaGate, up, n);
            new NativeActivations().swiglu(gate, up, n);
            for (int i = 0; i < n; i++) {
                float tol = 1e-6f * Math.max(1e-3f, Math.abs(javaGate[i])) + 1e-30f;
                assertEquals(javaGate[i], gate[i], tol, "n " + n + " index " + i);
            }
        }
    }

    @Test
    void extremeInputsStayFinite() {
        assumeTrue(NativeLibrary.isLoaded(), "native kernel not loaded: " + NativeLibrary.failure());
        float[] gate = {-1000f, -90f, -88f, 0f, 88f, 90f, 1000f, -0f, 1e-30f, -1e-30f, 3f, -3f, 5f, 6f, 7f, 8f};
        float[] up = new float[gate.length];
        java.util.Arrays.fill(up, 1f);
        float[] expected = gate.clone();
        new JavaActivations().swiglu(expected, up, gate.length);
        new NativeActivations().swiglu(gate, up, gate.length);
        for (int i = 0; i < gate.length; i++) {
            assertEquals(expected[i], gate[i], 1e-6f * Math.max(1f, Math.abs(expected[i])), "index " + i);
        }
    }

    @Test
    void lengthBeyondTheArraysIsRejected() {
        assumeTrue(NativeLibrary.isLoaded(), "native kernel not loaded: " + NativeLibrary.failure());
        assertThrows(IllegalArgumentException.class, () -> new NativeActivations().swiglu(new float[4], new float[3], 4));
    }
}
