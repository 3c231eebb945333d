package dev.questspark.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads only the key/value metadata of a trusted GGUF file (v2/v3), in the representation the project's GGUF reader
 * gives: integers Long, floats Double, bools Boolean, strings String, arrays List. Test-only, for the tokenizer tests.
 */
final class TestGgufMetadata {
    private TestGgufMetadata() {
    }

    static Map<String, Object> read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(ch.size(), Integer.MAX_VALUE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt() != 0x46554747) {
                throw new IOException(path + " is not a GGUF file");
            }
            int version = buf.getInt();
            if (version < 2) {
                throw new IOException(path + " is GGUF v" + version + "; only v2 and v3 are read here");
            }
            buf.getLong(); // tensor count
            long kvCount = buf.getLong();
            Map<String, Object> md = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(buf);
                md.put(key, value(buf, buf.getInt()));
            }
            return md;
        }
    }

    private static String string(ByteBuffer buf) {
        byte[] b = new byte[Math.toIntExact(buf.getLong())];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer buf, int type) {
        switch (type) {
            case 0: return (long) (buf.get() & 0xFF);
            case 1: return (long) buf.get();
            case 2: return (long) (buf.getShort() & 0xFFFF);
            case 3: return (long) buf.getShort();
            case 4: return buf.getInt() & 0xFFFFFFFFL;
            case 5: return (long) buf.getInt();
            case 6: return (double) buf.getFloat();
            case 7: return buf.get() != 0;
            case 8: return string(buf);
            case 9: {
                int elementType = buf.getInt();
                long n = buf.getLong();
                List<Object> list = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    list.add(value(buf, elementType));
                }
                return list;
            }
            case 10: return buf.getLong();
            case 11: return buf.getLong();
            case 12: return buf.getDouble();
            default: throw new IllegalStateException("unknown GGUF value type " + type);
        }
    }
}
