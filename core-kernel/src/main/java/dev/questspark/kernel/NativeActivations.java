package dev.questspark.kernel;

/** SIMD activations (ops.c): a polynomial exp within 2e-7 relative error of libm's. */
public final class NativeActivations implements Activations {
    NativeActivations() {
        if (!NativeLibrary.isLoaded()) {
            throw new IllegalStateException("native kernel library not loaded: " + NativeLibrary.failure());
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        swiglu0(gate, up, n);
    }

    private static native void swiglu0(float[] gate, float[] up, int n);
}
