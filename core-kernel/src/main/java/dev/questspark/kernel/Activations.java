package dev.questspark.kernel;

/** Element-wise activations of the forward pass: the native kernel and its Java twin. */
public interface Activations {
    /** gate[i] = silu(gate[i]) * up[i] for i < n, where silu(x) = x / (1 + exp(-x)). */
    void swiglu(float[] gate, float[] up, int n);
}
