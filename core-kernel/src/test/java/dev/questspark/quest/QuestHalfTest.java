package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The binary16 conversions the Java kernel stores keys with (must round exactly like F16C). */
class QuestHalfTest {
    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 65536; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
            } else {
                assertEquals((short) h, Half.fromFloat(f), "half " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(1.0f, Half.round(1.0f));
        assertEquals(65504f, Half.round(65504f));
        assertEquals(65504f, Half.round(65519.99f));
        assertEquals(Float.POSITIVE_INFINITY, Half.round(65520f));
        assertEquals(0x1p-24f, Half.round(0x1p-24f));
        assertEquals(0f, Half.round(0x1p-25f));
        assertEquals(0x1p-24f, Half.round(0x1.0001p-25f));
        assertEquals(1.0f, Half.round(1.0f + 0x1p-11f)); // tie to even (down)
        assertEquals(1.0f + 0x1p-9f, Half.round(1.0f + 0x3p-11f)); // tie to even (up)
    }

    @Test
    void roundsToNearestEven() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f) || Math.abs(f) >= 65520f) {
                continue;
            }
            short h = Half.fromFloat(f);
            double got = Half.toFloat(h);
            double err = Math.abs(got - f);
            for (int delta = -1; delta <= 1; delta += 2) {
                float other = Half.toFloat((short) (h + delta));
                if (Float.isFinite(other)) {
                    double e2 = Math.abs(other - (double) f);
                    assertTrue(err < e2 || (err == e2 && (h & 1) == 0), "f=" + f + " h=" + Integer.toHexString(h & 0xffff));
                }
            }
        }
    }
}
