package dev.questspark.tokenizer;

import java.util.List;
import java.util.Map;

/** Typed access to GGUF metadata (integers Long, floats Double, bools Boolean, strings String, arrays List). */
final class MetadataValues {
    private MetadataValues() {
    }

    static String string(Map<String, Object> md, String key) {
        return typed(md, key, String.class, "a string");
    }

    /** The value of key as a type, null when absent; a value of another type is an error naming the key. */
    private static <T> T typed(Map<String, Object> md, String key, Class<T> type, String what) {
        Object v = md.get(key);
        if (v != null && !type.isInstance(v)) {
            throw wrongType(key, what, v);
        }
        return type.cast(v);
    }

    static String requiredString(Map<String, Object> md, String key) {
        String s = string(md, key);
        if (s == null) {
            throw new TokenizerException("GGUF metadata has no '" + key + "'; the file has no usable tokenizer");
        }
        return s;
    }

    static Long integer(Map<String, Object> md, String key) {
        Object v = md.get(key);
        if (v instanceof Double || v instanceof Float) {
            throw wrongType(key, "an integer", v);
        }
        Number n = typed(md, key, Number.class, "an integer");
        return n == null ? null : n.longValue();
    }

    static Boolean bool(Map<String, Object> md, String key) {
        return typed(md, key, Boolean.class, "a bool");
    }

    static List<?> list(Map<String, Object> md, String key) {
        return typed(md, key, List.class, "an array");
    }

    static String[] strings(Map<String, Object> md, String key) {
        List<?> l = list(md, key);
        if (l == null) {
            return null;
        }
        return elements(l, key, String.class, "a string", new String[l.size()]);
    }

    static Number[] numbers(Map<String, Object> md, String key, int minLength) {
        List<?> l = list(md, key);
        if (l == null) {
            return null;
        }
        if (l.size() < minLength) {
            throw new TokenizerException("GGUF metadata '" + key + "' has " + l.size()
                    + " entries but the vocabulary has " + minLength + " tokens");
        }
        return elements(l, key, Number.class, "a number", new Number[l.size()]);
    }

    /** The entries of the array l (metadata key) into out, each checked to be a type. */
    private static <T> T[] elements(List<?> l, String key, Class<T> type, String what, T[] out) {
        for (int i = 0; i < out.length; i++) {
            Object e = l.get(i);
            if (!type.isInstance(e)) {
                throw wrongType(key + "[" + i + "]", what, e);
            }
            out[i] = type.cast(e);
        }
        return out;
    }

    private static TokenizerException wrongType(String key, String expected, Object v) {
        return new TokenizerException("GGUF metadata '" + key + "' should be " + expected + " but is "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }
}
