package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The native SwiGLU (polynomial exp) at every ISA level this CPU has against its libm-accurate Java twin: relative
 * error within 1e-6.
 */
@ExtendWith(NativeIsa.Restore.class)
class ActivationsTest {
    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void nativeSwigluMatchesJavaTwin(int isa) {
        NativeIsa.force(isa);
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
                assertEquals(javaGate[i], gate[i], tol, "isa " + isa + " n " + n + " index " + i);
            }
        }
    }

    @ParameterizedTest(name = "isa {0}")
    @MethodSource("dev.questspark.kernel.NativeIsa#levels")
    void extremeInputsStayFinite(int isa) {
        NativeIsa.force(isa);
        float[] gate = {-1000f, -90f, -88f, 0f, 88f, 90f, 1000f, -0f, 1e-30f, -1e-30f, 3f, -3f, 5f, 6f, 7f, 8f};
        float[] up = new float[gate.length];
        java.util.Arrays.fill(up, 1f);
        float[] expected = gate.clone();
        new JavaActivations().swiglu(expected, up, gate.length);
        new NativeActivations().swiglu(gate, up, gate.length);
        for (int i = 0; i < gate.length; i++) {
            assertEquals(expected[i], gate[i], 1e-6f * Math.max(1f, Math.abs(expected[i])), "isa " + isa + " index " + i);
        }
    }

    /** The C entry point checks its arguments itself: a null array or a length beyond one is an exception, not a crash. */
    @Test
    void badArgumentsAreRejected() {
        NativeIsa.require();
        NativeActivations k = new NativeActivations();
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(new float[4], new float[3], 4));
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(new float[3], new float[4], 4));
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(new float[4], new float[4], -1));
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(null, new float[4], 4));
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(new float[4], null, 4));
        assertThrows(IllegalArgumentException.class, () -> k.swiglu(null, null, 0));
    }
}
