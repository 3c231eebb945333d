package dev.questspark.kernel;

/**
 * IEEE 754 half-precision conversions (Java 17 has no Float.float16ToFloat). {@link #fromFloat} rounds to
 * nearest even like x86 F16C and ggml, including subnormal halves; NaN stays NaN.
 */
public final class Float16 {
    private Float16() {}

    /** The float value of the half whose bits are {@code h}; exact. */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int man = bits & 0x3ff;
        if (exp == 0) {
            float v = man * 0x1p-24f; // zero or subnormal, exact
            return Float.intBitsToFloat(Float.floatToRawIntBits(v) | sign);
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (man << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (man << 13));
    }

    /** The half nearest to f (ties to even); values past 65504 round to infinity. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) {
            return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x38800000) {
            int r = abs + 0xfff + ((abs >>> 13) & 1);
            return (short) (sign | ((r >>> 13) - (112 << 10)));
        }
        // A subnormal half: adding 0.5 aligns the half's last bit with the float's, so the add rounds correctly.
        float t = Float.intBitsToFloat(abs) + 0.5f;
        return (short) (sign | (Float.floatToRawIntBits(t) - Float.floatToRawIntBits(0.5f)));
    }

    /** f rounded to the nearest half, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
