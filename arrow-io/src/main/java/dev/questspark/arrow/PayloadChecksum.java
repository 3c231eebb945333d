package dev.questspark.arrow;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C over byte regions in a fixed order (hardware-accelerated on direct buffers); no bytes are copied. */
final class PayloadChecksum {
    private final CRC32C crc = new CRC32C();

    /** Adds the remaining bytes of b (its position is left alone). */
    PayloadChecksum update(ByteBuffer b) {
        crc.update(b.duplicate());
        return this;
    }

    long value() {
        return crc.getValue();
    }

    static String format(long value) {
        return String.format("%08x", value);
    }
}
