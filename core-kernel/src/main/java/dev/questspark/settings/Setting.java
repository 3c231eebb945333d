package dev.questspark.settings;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One row of the settings table ({@link Settings}): a name (the flag without dashes, the key of
 * conf/quest-defaults.properties and of {@code spark.quest.<name>}), its value type, default, the placeholder and
 * the one line of help that {@code bin/quest --help} shows, and a check of a single value. Rules between
 * settings (a token budget of at least two pages) live in the consumer's record ({@code QuestConfig}).
 *
 * @param <T> Integer, Long, Float, Double or String; the Spark ML param of the transformer has that type
 * @param type the value class: Integer, Long, Float, Double or String
 * @param placeholder what the value looks like in --help: N, MODE, BYTES, ...
 * @param paramName the name of the transformer's Spark ML param: the camel-case name unless the table gives another
 * @param check why a value is not valid ("must be ..."), or null when it is; null checks nothing
 * @param parser reads a value from its text
 * @param formatter writes a value as text that the parser reads back; null for String.valueOf
 */
public record Setting<T>(String name, Group group, Class<T> type, T defaultValue, String placeholder, String help,
        String paramName, Function<T, String> check, Function<String, T> parser, Function<T, String> formatter) {
    /** Which commands take a setting as a flag. */
    public enum Group {
        /** How the model runs (threads, context): generate and every job. */
        MODEL,
        /** How tokens are picked: generate and every job. */
        SAMPLING,
        /** Decode attention and the KV cache: generate and every job. */
        ATTENTION,
        /** How the jobs prompt and split documents: every Spark job. */
        DOCUMENTS,
        /** How the QA job picks the parts of a long document: qa. */
        QA
    }

    /** Applies the defaults of null paramName, check and formatter; a default value that fails the check is a bug. */
    public Setting {
        paramName = paramName == null ? camelCase(name) : paramName;
        check = check == null ? v -> null : check;
        formatter = formatter == null ? String::valueOf : formatter;
        String problem = check.apply(defaultValue);
        if (problem != null) {
            throw new IllegalStateException("default of setting " + name + " " + problem);
        }
    }

    /** This setting with another Spark ML param name (for params that kept an older name). */
    Setting<T> param(String newParamName) {
        return new Setting<>(name, group, type, defaultValue, placeholder, help, newParamName, check, parser, formatter);
    }

    /** This setting reading text with another parser. */
    Setting<T> parser(Function<String, T> newParser) {
        return new Setting<>(name, group, type, defaultValue, placeholder, help, paramName, check, newParser, formatter);
    }

    /** Why v is not a valid value ("must be ..."), or null when it is. */
    public String problem(T v) {
        return v == null ? "must be set" : check.apply(v);
    }

    /** Whether v is a value of this setting's type that passes its check. */
    public boolean valid(Object v) {
        return type.isInstance(v) && check.apply(type.cast(v)) == null;
    }

    /**
     * The value of raw (a string as in a file or flag, or a value of this setting's type or another number),
     * checked; an error names the setting, says what it must be and shows the value.
     */
    public T parse(Object raw) {
        T v = convert(raw);
        String problem = problem(v);
        if (problem != null) {
            throw new IllegalArgumentException("setting " + name + " " + problem + ", got '" + raw + "'");
        }
        return v;
    }

    private T convert(Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException("setting " + name + " must be set");
        }
        if (type.isInstance(raw) && type != String.class) {
            return type.cast(raw);
        }
        return parseText(raw.toString());
    }

    private T parseText(String text) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("must ") ? e.getMessage() : "must be " + kind();
            throw new IllegalArgumentException("setting " + name + " " + why + ", got '" + text + "'", e);
        }
    }

    private String kind() {
        if (type == Integer.class || type == Long.class) {
            return "an integer";
        }
        return type == String.class ? "text" : "a number";
    }

    /** The value as text that {@link #parse} reads back to it. */
    public String format(Object v) {
        return formatter.apply(type.cast(v));
    }

    @Override
    public String toString() {
        return name;
    }

    static String camelCase(String name) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    // Checks of one value, named for what they allow.

    static Function<Integer, String> atLeast(int min) {
        return v -> v >= min ? null : "must be at least " + min;
    }

    static Function<Integer, String> oneOf(Integer... allowed) {
        List<Integer> list = Arrays.asList(allowed);
        return v -> list.contains(v) ? null : "must be " + words(list.stream().map(String::valueOf).toList());
    }

    static Function<String, String> choice(String... allowed) {
        List<String> list = Arrays.asList(allowed);
        return v -> list.contains(v) ? null : "must be " + words(list);
    }

    /** "a, b or c". */
    static String words(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    /** Lower case, underscores as dashes: how names of choices are written everywhere. */
    static String choiceText(String text) {
        return text.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
