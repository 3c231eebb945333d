package dev.questspark.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a valid GGUF file image for fuzz tests. Each mutant changes one thing of one {@link Kind}, chosen
 * from the file's own layout (so a length field, a count or an offset is hit where it really is), and says what it did.
 */
public final class GgufMutator {
    /** What a mutation changes. */
    public enum Kind {
        /** 1 to 4 random bits anywhere, mostly in the header. */
        BIT_FLIP,
        /** A string length (metadata key, string value, vocabulary entry, tensor name). */
        LENGTH,
        /** tensor_count, kv_count, an array length or a tensor's n_dims. */
        COUNT,
        /** A tensor's data offset. */
        OFFSET,
        /** A metadata value type, an array element type or a tensor type id. */
        TYPE_ID,
        /** The file cut short. */
        TRUNCATION,
        /** A model or tokenizer hyper-parameter (llama.*, tokenizer.ggml.* scalars) set to an extreme of its type. */
        HYPER_PARAMETER,
        /** One dimension of a tensor's shape. */
        DIMS,
        /** A vocabulary entry's bytes, score or token type. */
        VOCABULARY,
        /** Bytes of the tensor data (NaN, infinities, noise). */
        WEIGHTS
    }

    /** A mutated file: what kind of change, where and what, and the bytes. */
    public record Mutant(Kind kind, String what, byte[] bytes) {
    }

    private static final long[] EXTREME_LONGS = {0, 1, 2, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32,
        0xFFFFFFFFL, 0x7FFFFFFFL, 1L << 62, 255, 4096};
    private static final int[] EXTREME_INTS = {0, 1, 2, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFFFFF0, 0xFFFF, 255,
        256, 1 << 24, (1 << 24) + 1, 3, 7};
    private static final float[] EXTREME_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        -1f, Float.MIN_VALUE, Float.MAX_VALUE, 1e10f, 1e-30f, 0.5f};

    private final byte[] pristine;
    private final GgufTestLayout layout;
    private final long dataStart;
    /** File offsets of every string length field. */
    private final long[] stringLengths;
    /** File offsets of every count field: the two header counts, array lengths, n_dims (4 bytes: negative entries). */
    private final long[] counts;
    private final List<GgufTestLayout.Kv> scalars = new ArrayList<>();
    private final List<long[]> vocabulary = new ArrayList<>(); // {string length field offset, text length}
    private final GgufTestLayout.Kv scores;
    private final GgufTestLayout.Kv tokenTypes;

    public GgufMutator(byte[] pristine) {
        this.pristine = pristine.clone();
        this.layout = GgufTestLayout.scan(pristine);
        this.dataStart = (layout.headerEnd + 31) / 32 * 32;
        List<Long> lengths = new ArrayList<>();
        List<Long> countFields = new ArrayList<>(List.of((long) GgufTestLayout.TENSOR_COUNT, (long) GgufTestLayout.KV_COUNT));
        ByteBuffer b = buffer(pristine);
        for (GgufTestLayout.Kv kv : layout.kvs) {
            lengths.add(kv.keyLen());
            if (kv.valueType() == GgufTestWriter.STRING) {
                lengths.add(kv.value());
            } else if (kv.valueType() == GgufTestWriter.ARRAY) {
                countFields.add(kv.value() + 4);
                if (kv.elemType() == GgufTestWriter.STRING) {
                    long at = kv.value() + 12;
                    long n = b.getLong((int) kv.value() + 4);
                    for (long i = 0; i < n; i++) {
                        long len = b.getLong((int) at);
                        lengths.add(at);
                        if (kv.key().equals("tokenizer.ggml.tokens")) {
                            vocabulary.add(new long[] {at, len});
                        }
                        at += 8 + len;
                    }
                }
            } else {
                scalars.add(kv);
            }
        }
        for (GgufTestLayout.Tensor t : layout.tensors) {
            lengths.add(t.nameLen());
            countFields.add(-t.nDims() - 1);
        }
        stringLengths = lengths.stream().mapToLong(Long::longValue).toArray();
        counts = countFields.stream().mapToLong(Long::longValue).toArray();
        scores = find("tokenizer.ggml.scores");
        tokenTypes = find("tokenizer.ggml.token_type");
    }

    private GgufTestLayout.Kv find(String key) {
        return layout.kvs.stream().filter(k -> k.key().equals(key)).findFirst().orElse(null);
    }

    /** One mutant, its kind drawn uniformly. */
    public Mutant mutate(SplittableRandom rnd) {
        return mutate(Kind.values()[rnd.nextInt(Kind.values().length)], rnd);
    }

    public Mutant mutate(Kind kind, SplittableRandom rnd) {
        byte[] b = pristine.clone();
        String what = switch (kind) {
            case BIT_FLIP -> flipBits(b, rnd);
            case LENGTH -> length(b, rnd);
            case COUNT -> count(b, rnd);
            case OFFSET -> offset(b, rnd);
            case TYPE_ID -> typeId(b, rnd);
            case TRUNCATION -> null;
            case HYPER_PARAMETER -> hyperParameter(b, rnd);
            case DIMS -> dims(b, rnd);
            case VOCABULARY -> vocabulary(b, rnd);
            case WEIGHTS -> weights(b, rnd);
        };
        if (kind == Kind.TRUNCATION) {
            int len = rnd.nextBoolean() ? rnd.nextInt((int) dataStart) : rnd.nextInt(b.length);
            return new Mutant(kind, "cut to " + len + " of " + b.length + " bytes", Arrays.copyOf(b, len));
        }
        return new Mutant(kind, what, b);
    }

    private String flipBits(byte[] b, SplittableRandom rnd) {
        int n = 1 + rnd.nextInt(4);
        StringBuilder sb = new StringBuilder("flipped bits at");
        for (int i = 0; i < n; i++) {
            int at = rnd.nextInt(10) < 7 ? rnd.nextInt((int) layout.headerEnd) : rnd.nextInt(b.length);
            int bit = rnd.nextInt(8);
            b[at] ^= (byte) (1 << bit);
            sb.append(' ').append(at).append('.').append(bit);
        }
        return sb.toString();
    }

    private String length(byte[] b, SplittableRandom rnd) {
        long field = pick(stringLengths, rnd);
        return putLong(b, field, near(b, field, rnd), "string length");
    }

    private String count(byte[] b, SplittableRandom rnd) {
        long field = pick(counts, rnd);
        if (field < 0) { // a tensor's n_dims, 4 bytes
            long at = -field - 1;
            return putInt(b, at, rnd.nextBoolean() ? rnd.nextInt(6) : EXTREME_INTS[rnd.nextInt(EXTREME_INTS.length)], "n_dims");
        }
        return putLong(b, field, near(b, field, rnd), field < GgufTestLayout.FIRST_KV ? "header count" : "array length");
    }

    private String offset(byte[] b, SplittableRandom rnd) {
        GgufTestLayout.Tensor t = layout.tensors.get(rnd.nextInt(layout.tensors.size()));
        long old = buffer(b).getLong((int) t.offset());
        long v = switch (rnd.nextInt(4)) {
            case 0 -> old + 32L * (rnd.nextInt(9) - 4);
            case 1 -> buffer(b).getLong((int) layout.tensors.get(rnd.nextInt(layout.tensors.size())).offset());
            case 2 -> 32L * rnd.nextInt((b.length + 31) / 32 + 2);
            default -> near(b, t.offset(), rnd);
        };
        return putLong(b, t.offset(), v, "tensor '" + t.name() + "' offset");
    }

    private String typeId(byte[] b, SplittableRandom rnd) {
        int choice = rnd.nextInt(3);
        int id = rnd.nextInt(4) == 0 ? EXTREME_INTS[rnd.nextInt(EXTREME_INTS.length)] : rnd.nextInt(40);
        if (choice == 0) {
            GgufTestLayout.Tensor t = layout.tensors.get(rnd.nextInt(layout.tensors.size()));
            return putInt(b, t.type(), id, "tensor '" + t.name() + "' type");
        }
        GgufTestLayout.Kv kv = layout.kvs.get(rnd.nextInt(layout.kvs.size()));
        if (choice == 1 || kv.valueType() != GgufTestWriter.ARRAY) {
            return putInt(b, kv.type(), id % 16, "'" + kv.key() + "' value type");
        }
        return putInt(b, kv.value(), id % 16, "'" + kv.key() + "' array element type");
    }

    private String hyperParameter(byte[] b, SplittableRandom rnd) {
        GgufTestLayout.Kv kv = scalars.get(rnd.nextInt(scalars.size()));
        String what = "'" + kv.key() + "'";
        return switch (kv.valueType()) {
            case GgufTestWriter.FLOAT32 -> {
                float f = EXTREME_FLOATS[rnd.nextInt(EXTREME_FLOATS.length)];
                buffer(b).putFloat((int) kv.value(), f);
                yield what + " = " + f;
            }
            case GgufTestWriter.UINT32, GgufTestWriter.INT32 -> {
                int old = buffer(b).getInt((int) kv.value());
                int v = rnd.nextBoolean() ? EXTREME_INTS[rnd.nextInt(EXTREME_INTS.length)] : old + rnd.nextInt(9) - 4;
                yield putInt(b, kv.value(), v, what);
            }
            case GgufTestWriter.UINT64, GgufTestWriter.INT64 -> putLong(b, kv.value(), near(b, kv.value(), rnd), what);
            case GgufTestWriter.STRING -> putLong(b, kv.value(), near(b, kv.value(), rnd), what + " length");
            default -> flipBits(b, rnd);
        };
    }

    private String dims(byte[] b, SplittableRandom rnd) {
        GgufTestLayout.Tensor t = layout.tensors.get(rnd.nextInt(layout.tensors.size()));
        int d = rnd.nextInt(t.n());
        long at = t.dims() + 8L * d;
        long old = buffer(b).getLong((int) at);
        long v = switch (rnd.nextInt(3)) {
            case 0 -> old + rnd.nextInt(9) - 4;
            case 1 -> old * (1 + rnd.nextInt(4)) / (1 + rnd.nextInt(4));
            default -> EXTREME_LONGS[rnd.nextInt(EXTREME_LONGS.length)];
        };
        return putLong(b, at, v, "tensor '" + t.name() + "' dims[" + d + "]");
    }

    private String vocabulary(byte[] b, SplittableRandom rnd) {
        int id = rnd.nextInt(vocabulary.size());
        switch (rnd.nextInt(3)) {
            case 0 -> {
                long[] entry = vocabulary.get(id);
                if (entry[1] == 0) {
                    return "token " + id + " text unchanged (empty)";
                }
                int at = (int) (entry[0] + 8 + rnd.nextInt((int) entry[1]));
                byte v = new byte[] {(byte) 0xFF, (byte) 0xC0, (byte) 0x80, 0, '<', '>', (byte) 0xE2, ' '}[rnd.nextInt(8)];
                b[at] = v;
                return "token " + id + " text byte " + (at - entry[0] - 8) + " = 0x" + Integer.toHexString(v & 0xFF);
            }
            case 1 -> {
                if (scores == null) {
                    return "no scores";
                }
                float f = EXTREME_FLOATS[rnd.nextInt(EXTREME_FLOATS.length)];
                buffer(b).putFloat((int) (scores.value() + 12 + 4L * id), f);
                return "token " + id + " score = " + f;
            }
            default -> {
                if (tokenTypes == null) {
                    return "no token types";
                }
                int v = rnd.nextBoolean() ? rnd.nextInt(8) : EXTREME_INTS[rnd.nextInt(EXTREME_INTS.length)];
                return putInt(b, tokenTypes.value() + 12 + 4L * id, v, "token " + id + " type");
            }
        }
    }

    private String weights(byte[] b, SplittableRandom rnd) {
        int at = (int) dataStart + rnd.nextInt((b.length - (int) dataStart) / 4) * 4;
        float f = rnd.nextBoolean() ? EXTREME_FLOATS[rnd.nextInt(EXTREME_FLOATS.length)] : (float) rnd.nextGaussian() * 1e6f;
        int n = 1 + rnd.nextInt(64);
        for (int i = 0; i < n && at + 4 * i + 4 <= b.length; i++) {
            buffer(b).putFloat(at + 4 * i, f);
        }
        return n + " floats from byte " + at + " = " + f;
    }

    /** An extreme value, or the field's own value nudged or scaled, for an 8-byte field. */
    private long near(byte[] b, long at, SplittableRandom rnd) {
        long old = buffer(b).getLong((int) at);
        return switch (rnd.nextInt(4)) {
            case 0 -> old + rnd.nextInt(9) - 4;
            case 1 -> old * (2 + rnd.nextInt(3));
            case 2 -> b.length - at + rnd.nextInt(3) - 1;
            default -> EXTREME_LONGS[rnd.nextInt(EXTREME_LONGS.length)];
        };
    }

    private static String putLong(byte[] b, long at, long v, String what) {
        buffer(b).putLong((int) at, v);
        return what + " at " + at + " = " + v;
    }

    private static String putInt(byte[] b, long at, int v, String what) {
        buffer(b).putInt((int) at, v);
        return what + " at " + at + " = " + v;
    }

    private static long pick(long[] a, SplittableRandom rnd) {
        return a[rnd.nextInt(a.length)];
    }

    private static ByteBuffer buffer(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
