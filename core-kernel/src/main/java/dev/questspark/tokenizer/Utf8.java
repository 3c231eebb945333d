package dev.questspark.tokenizer;

/** UTF-8 boundaries for streaming decode. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Length of the longest prefix of {@code bytes} that does not end inside a character that could still be
     * completed: a trailing lead byte followed by fewer continuation bytes than it announces is held back; anything
     * else (including malformed bytes) belongs to the prefix.
     */
    static int completePrefix(byte[] bytes) {
        int n = bytes.length;
        // A sequence is at most 4 bytes, so its lead byte is among the last 4.
        for (int back = 1; back <= Math.min(4, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int need = sequenceLength(b);
            return need > back ? n - back : n;
        }
        return n;
    }

    /** Bytes announced by a lead byte; 1 for ASCII and for bytes that cannot lead a sequence. */
    static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 1;
    }
}
