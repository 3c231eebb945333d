package dev.questspark.settings;

import java.util.Locale;

/** Byte counts as settings write them: a plain number of bytes, or with a binary suffix k, m, g or t (512m, 4g). */
final class ByteSize {
    private static final String UNITS = "kmgt";

    private ByteSize() {
    }

    /** Reads "4294967296", "4g", "512M", "64kb" or "2GiB"; anything else is an error saying what is allowed. */
    static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty() && UNITS.indexOf(t.charAt(t.length() - 1)) >= 0) {
            shift = 10 * (UNITS.indexOf(t.charAt(t.length() - 1)) + 1);
            t = t.substring(0, t.length() - 1).trim();
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a number of bytes, optionally with a suffix k, m, g or t (512m, 4g)");
        }
        if (n < 0 || n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("must be a number of bytes between 0 and 2^63 - 1");
        }
        return n << shift;
    }

    /** The largest unit that divides the count exactly: 4294967296 is "4g", 1000 stays "1000". */
    static String format(long bytes) {
        if (bytes > 0) {
            for (int u = UNITS.length(); u >= 1; u--) {
                long unit = 1L << (10 * u);
                if (bytes % unit == 0) {
                    return bytes / unit + String.valueOf(UNITS.charAt(u - 1));
                }
            }
        }
        return Long.toString(bytes);
    }
}
