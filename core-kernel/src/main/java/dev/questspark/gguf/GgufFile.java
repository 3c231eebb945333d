package dev.questspark.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF model file (version 2 or 3, little-endian), opened for reading from untrusted input.
 *
 * <p>{@link #open} parses and validates the whole header (metadata and tensor infos) through a bounded reader,
 * without loading the file into memory; every count, length, shape, type, alignment and tensor extent is checked
 * against the file, and anything wrong raises {@link GgufFormatException} naming the file and the field. Tensor
 * data is memory-mapped on demand: a file under 2 GiB as one mapping shared by its tensors, a larger one one mapping
 * per tensor, so files over 2 GiB work.
 *
 * <p>Metadata values are represented as: integers (uint8 to int64) {@code Long}, floats {@code Double}, bool
 * {@code Boolean}, string {@code String}, arrays unmodifiable {@code List<Object>} of the same (nested arrays as
 * nested lists). Keys keep their file order.
 *
 * <p>Instances are safe for concurrent readers once opened.
 */
public final class GgufFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GgufFile.class);

    private final Path path;
    private final FileChannel channel;
    private final GgufHeaderParser.Header header;
    private final Map<String, GgufTensorInfo> byName;
    private final Map<String, ByteBuffer> mapped = new HashMap<>(); // guarded by this
    private ByteBuffer whole; // guarded by this: the whole file, mapped once when it is under 2 GiB
    private boolean closed; // guarded by this

    private GgufFile(Path path, FileChannel channel, GgufHeaderParser.Header header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.byName = new HashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws GgufFormatException when the file is not a valid GGUF v2/v3 file this engine can read
     * @throws IOException         when the file cannot be read at all (missing, a directory, unreadable)
     */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory; expected a GGUF model file");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            GgufHeaderParser.Header header = GgufHeaderParser.parse(path, channel);
            GgufFile f = new GgufFile(path, channel, header);
            LOG.debug("opened {}: GGUF v{}, {} metadata keys, {} tensors, data at {}", path, header.version(),
                    header.metadata().size(), header.tensors().size(), header.dataStart());
            return f;
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** GGUF format version, 2 or 3. */
    public int version() {
        return header.version();
    }

    /** Data alignment in bytes ({@code general.alignment}, default 32), a power of two. */
    public long alignment() {
        return header.alignment();
    }

    /** Absolute file offset of the tensor data section (the header end padded to the alignment). */
    public long dataStart() {
        return header.dataStart();
    }

    /** All metadata in file order, unmodifiable; see the class comment for how values are represented. */
    public Map<String, Object> metadata() {
        return header.metadata();
    }

    /** True when the metadata has this key. */
    public boolean has(String key) {
        return header.metadata().containsKey(key);
    }

    /** The raw metadata value for a key, or null when absent. */
    public Object get(String key) {
        return header.metadata().get(key);
    }

    /** Tensor infos in file order, unmodifiable. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    /** The tensor with this name, or null when the file has none. */
    public GgufTensorInfo tensor(String name) {
        return byName.get(name);
    }

    /**
     * A string value.
     *
     * @throws GgufFormatException when the key is missing or not a string
     */
    public String getString(String key) throws GgufFormatException {
        return GgufValues.asString(path, key, required(key, "a string"));
    }

    /**
     * A string value, or {@code def} when the key is absent.
     *
     * @throws GgufFormatException when the key is present but not a string
     */
    public String getString(String key, String def) throws GgufFormatException {
        Object v = get(key);
        return v == null ? def : GgufValues.asString(path, key, v);
    }

    /**
     * An integer value that fits an int.
     *
     * @throws GgufFormatException when the key is missing, not an integer, or out of int range
     */
    public int getInt(String key) throws GgufFormatException {
        return GgufValues.asInt(path, key, required(key, "an integer"));
    }

    /**
     * An integer value that fits an int, or {@code def} when the key is absent.
     *
     * @throws GgufFormatException when the key is present but not an integer in int range
     */
    public int getInt(String key, int def) throws GgufFormatException {
        Object v = get(key);
        return v == null ? def : GgufValues.asInt(path, key, v);
    }

    /**
     * An integer value.
     *
     * @throws GgufFormatException when the key is missing or not an integer
     */
    public long getLong(String key) throws GgufFormatException {
        return GgufValues.asLong(path, key, required(key, "an integer"));
    }

    /**
     * An integer value, or {@code def} when the key is absent.
     *
     * @throws GgufFormatException when the key is present but not an integer
     */
    public long getLong(String key, long def) throws GgufFormatException {
        Object v = get(key);
        return v == null ? def : GgufValues.asLong(path, key, v);
    }

    /**
     * A number (float or integer) as a float.
     *
     * @throws GgufFormatException when the key is missing, not a number, or out of float range
     */
    public float getFloat(String key) throws GgufFormatException {
        return GgufValues.asFloat(path, key, required(key, "a number"));
    }

    /**
     * A number (float or integer) as a float, or {@code def} when the key is absent.
     *
     * @throws GgufFormatException when the key is present but not a number in float range
     */
    public float getFloat(String key, float def) throws GgufFormatException {
        Object v = get(key);
        return v == null ? def : GgufValues.asFloat(path, key, v);
    }

    /**
     * A bool value.
     *
     * @throws GgufFormatException when the key is missing or not a bool
     */
    public boolean getBoolean(String key) throws GgufFormatException {
        return GgufValues.asBoolean(path, key, required(key, "a bool"));
    }

    /**
     * A bool value, or {@code def} when the key is absent.
     *
     * @throws GgufFormatException when the key is present but not a bool
     */
    public boolean getBoolean(String key, boolean def) throws GgufFormatException {
        Object v = get(key);
        return v == null ? def : GgufValues.asBoolean(path, key, v);
    }

    /**
     * An array of strings, unmodifiable.
     *
     * @throws GgufFormatException when the key is missing, not an array, or holds a non-string
     */
    public List<String> getStringList(String key) throws GgufFormatException {
        return GgufValues.asStringList(path, key, required(key, "an array of strings"));
    }

    /**
     * An array of numbers as floats.
     *
     * @throws GgufFormatException when the key is missing, not an array, or holds a non-number
     */
    public float[] getFloatArray(String key) throws GgufFormatException {
        return GgufValues.asFloatArray(path, key, required(key, "an array of numbers"));
    }

    /**
     * An array of integers that each fit an int.
     *
     * @throws GgufFormatException when the key is missing, not an array, or holds a non-integer or one out of
     *                             int range
     */
    public int[] getIntArray(String key) throws GgufFormatException {
        return GgufValues.asIntArray(path, key, required(key, "an array of integers"));
    }

    private Object required(String key, String expected) throws GgufFormatException {
        Object v = get(key);
        if (v == null) {
            throw new GgufFormatException(path, "metadata key '" + key + "'", "missing; expected " + expected
                    + " (is this a model of the right architecture?)");
        }
        return v;
    }

    /**
     * The tensor's data: a direct, read-only, little-endian buffer of exactly {@code info.byteSize()} bytes, from
     * position 0. Each tensor is mapped once and the mapping shared; every call returns an independent view. The
     * mapping stays valid after {@link #close()} for as long as a buffer is referenced.
     *
     * @param info a tensor info of this file, as returned by {@link #tensors()} or {@link #tensor(String)}
     * @throws IllegalArgumentException when {@code info} does not describe a tensor of this file
     * @throws IllegalStateException    when this file has been closed
     * @throws GgufFormatException      when the tensor is 2 GiB or larger (a Java buffer cannot hold it), or the
     *                                  file has shrunk since it was opened
     * @throws IOException              when mapping fails
     */
    public synchronized ByteBuffer tensorData(GgufTensorInfo info) throws IOException {
        GgufTensorInfo own = byName.get(info.name());
        if (!info.equals(own)) {
            throw new IllegalArgumentException(info + " is not a tensor of " + path);
        }
        if (closed) {
            throw new IllegalStateException(path + " is closed; open it again to read tensor '" + info.name() + "'");
        }
        ByteBuffer buf = mapped.get(own.name());
        if (buf == null) {
            buf = map(own);
            mapped.put(own.name(), buf);
        }
        return buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer map(GgufTensorInfo t) throws IOException {
        String field = "tensor '" + t.name() + "' size";
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new GgufFormatException(path, field, t.byteSize() + " bytes; a single tensor must be under 2 GiB ("
                    + Integer.MAX_VALUE + " bytes) to be mapped into a Java buffer");
        }
        long size = channel.size();
        if (t.offset() + t.byteSize() > size) {
            throw new GgufFormatException(path, field, "data ends at " + (t.offset() + t.byteSize())
                    + " but the file is now " + size + " bytes; it was changed after it was opened");
        }
        if (size <= Integer.MAX_VALUE) {
            if (whole == null) {
                whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            return whole.slice((int) t.offset(), (int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, t.offset(), t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Closes the file. Buffers already returned by {@link #tensorData} stay readable. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            mapped.clear();
            whole = null;
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + metadata().size() + " keys, " + tensors().size()
                + " tensors]";
    }
}
