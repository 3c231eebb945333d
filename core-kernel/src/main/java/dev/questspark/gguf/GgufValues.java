package dev.questspark.gguf;

import java.nio.file.Path;
import java.util.List;

/** Typed views of metadata values, with errors that name the file, the key, the value found and the type wanted. */
final class GgufValues {
    private GgufValues() {
    }

    static String asString(Path file, String key, Object v) throws GgufFormatException {
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(file, key, v, "a string");
    }

    static long asLong(Path file, String key, Object v) throws GgufFormatException {
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(file, key, v, "an integer");
    }

    static int asInt(Path file, String key, Object v) throws GgufFormatException {
        long l = asLong(file, key, v);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new GgufFormatException(file, field(key), l + " is out of int range; expected an int");
        }
        return (int) l;
    }

    static float asFloat(Path file, String key, Object v) throws GgufFormatException {
        if (!(v instanceof Long) && !(v instanceof Double)) {
            throw wrongType(file, key, v, "a number");
        }
        double d = ((Number) v).doubleValue();
        if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
            throw new GgufFormatException(file, field(key), d + " is out of float range; expected a float");
        }
        return (float) d;
    }

    static boolean asBoolean(Path file, String key, Object v) throws GgufFormatException {
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(file, key, v, "a bool");
    }

    @SuppressWarnings("unchecked")
    static List<String> asStringList(Path file, String key, Object v) throws GgufFormatException {
        List<?> list = asList(file, key, v, "an array of strings");
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String)) {
                throw wrongElement(file, key, i, list.get(i), "a string");
            }
        }
        return (List<String>) list; // unmodifiable and checked element by element above
    }

    static float[] asFloatArray(Path file, String key, Object v) throws GgufFormatException {
        List<?> list = asList(file, key, v, "an array of numbers");
        float[] out = new float[list.size()];
        if (list instanceof GgufPackedArray p && p.type() == GgufValueType.FLOAT32) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) p.doubleAt(i); // exact: the value was a float32 in the file
            }
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Long) && !(e instanceof Double)) {
                throw wrongElement(file, key, i, e, "a number");
            }
            out[i] = asFloat(file, key + "[" + i + "]", e);
        }
        return out;
    }

    static int[] asIntArray(Path file, String key, Object v) throws GgufFormatException {
        List<?> list = asList(file, key, v, "an array of integers");
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Long)) {
                throw wrongElement(file, key, i, e, "an integer");
            }
            out[i] = asInt(file, key + "[" + i + "]", e);
        }
        return out;
    }

    private static List<?> asList(Path file, String key, Object v, String expected) throws GgufFormatException {
        if (v instanceof List<?> l) {
            return l;
        }
        throw wrongType(file, key, v, expected);
    }

    private static GgufFormatException wrongType(Path file, String key, Object v, String expected) {
        return new GgufFormatException(file, field(key), "found " + describe(v) + "; expected " + expected);
    }

    private static GgufFormatException wrongElement(Path file, String key, int i, Object v, String expected) {
        return new GgufFormatException(file, field(key) + " element " + i, "found " + describe(v)
                + "; expected " + expected);
    }

    private static String field(String key) {
        return "metadata key '" + key + "'";
    }

    /** A short description of a value for error messages, e.g. {@code string "llama"}. */
    static String describe(Object v) {
        if (v instanceof String s) {
            return "string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Long) {
            return "integer " + v;
        }
        if (v instanceof Double) {
            return "float " + v;
        }
        if (v instanceof Boolean) {
            return "bool " + v;
        }
        if (v instanceof List<?> l) {
            return "array of " + l.size() + " elements";
        }
        return String.valueOf(v);
    }
}
