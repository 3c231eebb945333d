package dev.questspark.kernel;

/** bfloat16 conversions, rounding to nearest even like ggml's fp32-to-bf16 conversion; NaN stays NaN. */
public final class BFloat16 {
    private BFloat16() {}

    public static float toFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** f rounded to the nearest bfloat16, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
