package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Half and bfloat16 conversions: exact widening, and narrowing to the nearest value with ties to even. */
class Float16Test {
    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 65536; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))), "NaN " + h);
            } else {
                assertEquals((short) h, Float16.fromFloat(f), "half " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(1.0f, Float16.toFloat((short) 0x3c00));
        assertEquals(65504f, Float16.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(-2f, Float16.toFloat((short) 0xc000));
        assertEquals((short) 0x7c00, Float16.fromFloat(65520f));   // half-way to 65536: ties to even = infinity
        assertEquals((short) 0x7bff, Float16.fromFloat(65519.99f));
        assertEquals((short) 0x0000, Float16.fromFloat(0x1p-25f)); // half of the smallest subnormal: to even (0)
        assertEquals((short) 0x0002, Float16.fromFloat(0x1.8p-24f)); // 1.5 ulps: to even (2)
        assertEquals((short) 0x3c00, Float16.fromFloat(1f + 0x1p-11f)); // tie between 1 and 1+2^-10: to even
        assertEquals((short) 0x8000, Float16.fromFloat(-0f));
    }

    /** For random floats over the whole half range, the result is the nearest half, ties to the even one. */
    @Test
    void narrowingRoundsToNearestEven() {
        Random rnd = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (i % 2 == 0) {
                // keep sign and mantissa, move the exponent into [2^-26, 2^16]: subnormal and normal halves
                f = Float.intBitsToFloat((Float.floatToRawIntBits(f) & 0x807fffff) | (0x65 + rnd.nextInt(0x2b)) << 23);
            }
            if (Float.isNaN(f) || Math.abs(f) >= 65520f) {
                continue;
            }
            short h = Float16.fromFloat(f);
            double got = Float16.toFloat(h);
            double err = Math.abs(got - f);
            for (int delta : new int[] {-1, 1}) {
                int nb = (h & 0x7fff) + delta;
                if (nb < 0 || nb > 0x7bff) {
                    continue;
                }
                double other = Float16.toFloat((short) ((h & 0x8000) | nb));
                double otherErr = Math.abs(other - f);
                assertTrue(err < otherErr || (err == otherErr && (h & 1) == 0), "float " + f + " -> " + got);
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3f80, BFloat16.fromFloat(1f));
        assertEquals((short) 0x3f80, BFloat16.fromFloat(Float.intBitsToFloat(0x3f808000))); // tie: to even
        assertEquals((short) 0x3f82, BFloat16.fromFloat(Float.intBitsToFloat(0x3f818000))); // tie: to even (up)
        assertEquals((short) 0x3f81, BFloat16.fromFloat(Float.intBitsToFloat(0x3f808001)));
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN))));
        for (int h = 0; h < 65536; h++) {
            float f = BFloat16.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, BFloat16.fromFloat(f));
            }
        }
    }
}
