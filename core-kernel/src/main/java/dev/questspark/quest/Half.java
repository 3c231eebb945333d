package dev.questspark.quest;

/**
 * IEEE 754 binary16 conversions (Java 17 has none). Rounding is to nearest, ties to even, the same as the
 * F16C instruction {@code vcvtps2ph} with {@code _MM_FROUND_TO_NEAREST_INT}, so the Java and native kernels
 * store bit-identical keys and values.
 */
public final class Half {
    private static final float[] TO_FLOAT = new float[65536];

    static {
        for (int h = 0; h < TO_FLOAT.length; h++) {
            TO_FLOAT[h] = decode(h);
        }
    }

    private Half() {}

    /** The float with the value of the binary16 bits h (exact). */
    public static float toFloat(short h) {
        return TO_FLOAT[h & 0xffff];
    }

    /** The binary16 bits nearest to f (ties to even; overflow gives infinity; NaN stays a quiet NaN). */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            return (short) (abs == 0x7f800000 ? sign | 0x7c00 : sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs >= 0x477ff000) {
            // 65520 and above round past the largest half (65504).
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x38800000) {
            int h = ((abs >>> 23) - 112) << 10 | ((abs >>> 13) & 0x3ff);
            int rem = abs & 0x1fff;
            if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
                h++;
            }
            return (short) (sign | h);
        }
        if (abs < 0x33000000) {
            // Below half of the smallest subnormal (2^-25): rounds to zero.
            return (short) sign;
        }
        int mant = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - (abs >>> 23);
        int h = mant >>> shift;
        int rem = mant & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (h & 1) != 0)) {
            h++;
        }
        return (short) (sign | h);
    }

    /** f rounded to the nearest binary16 value, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    private static float decode(int h) {
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
