package dev.questspark.kernel;

/** The slow twin of {@link NativeActivations}: libm-accurate exp, one value at a time. */
public final class JavaActivations implements Activations {
    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }
}
