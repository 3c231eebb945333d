package dev.questspark.kernel;

/**
 * GeGLU as ggml's CPU backend computes it (ggml_vec_geglu_f32 with GGML_GELU_FP16): gate values in (-10, 10) are
 * rounded to binary16 and looked up in a table of GELU (tanh approximation) values, themselves rounded to binary16;
 * at or below -10 the result is 0 and at or above 10 it is the gate value itself. Elementwise and cheap (one lookup
 * per FFN channel), so there is one implementation for every kernel backend.
 */
public final class GeluGate {
    private static final float GELU_COEF_A = 0.044715f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float[] TABLE = new float[1 << 16]; // (binary16 bits) GELU of that value, rounded to binary16

    static {
        for (int h = 0; h < TABLE.length; h++) {
            TABLE[h] = Float16.round(gelu(Float16.toFloat((short) h)));
        }
    }

    private GeluGate() {
    }

    /** ggml_gelu_f32: 0.5 x (1 + tanh(sqrt(2 / pi) x (1 + 0.044715 x^2))), in float. */
    static float gelu(float x) {
        return 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1.0f + GELU_COEF_A * x * x)));
    }

    /** gate[i] = gelu(gate[i]) * up[i] for i < n. */
    public static void geglu(float[] gate, float[] up, int n) {
        geglu(gate, up, 0, n);
    }

    /** gate[i] = gelu(gate[i]) * up[i] for from <= i < to: each value alone, so any split gives the same result. */
    public static void geglu(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = gate[i];
            float g;
            if (x <= -10.0f) {
                g = 0f;
            } else if (x >= 10.0f) {
                g = x;
            } else {
                g = TABLE[Float16.fromFloat(x) & 0xffff];
            }
            gate[i] = g * up[i];
        }
    }
}
