package dev.questspark.jobs.config;

import dev.questspark.settings.Settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Layered settings as text, later layers winning: the settings table's defaults ({@link Settings}), the defaults
 * shipped in the jar, {@code $QUEST_HOME/conf/quest-defaults.properties}, {@code spark.quest.*} Spark conf keys,
 * command-line flags. Keys are the flag names without dashes (attention, token-budget, input, ...). The table's
 * settings are read as one checked {@link Settings} ({@link #settings()}); the other keys (inputs, outputs,
 * columns, the bench grid) are the driver's and read one by one. Relative paths in the defaults files are relative
 * to QUEST_HOME.
 */
public final class QuestSettings {
    public static final String RESOURCE = "/quest-defaults.properties";
    public static final String FILE = "conf/quest-defaults.properties";
    public static final String SPARK_PREFIX = "spark.quest.";
    /** Keys whose values are paths, resolved against QUEST_HOME when they come from a defaults file. */
    private static final List<String> PATH_KEYS = List.of("model", "kv-cache");

    private final Map<String, String> values;

    private QuestSettings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static QuestSettings of(Map<String, String> values) {
        return new QuestSettings(new LinkedHashMap<>(values));
    }

    /** The shipped defaults overlaid by the defaults file in QUEST_HOME, when there is one. */
    public static QuestSettings defaults() {
        Map<String, String> m = new LinkedHashMap<>(Settings.defaults().toStrings());
        try (InputStream in = QuestSettings.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                m.putAll(read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in " + RESOURCE, e);
        }
        Path home = QuestHome.get();
        Path file = home.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                m.putAll(read(r));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        for (String k : PATH_KEYS) {
            String v = m.get(k);
            if (v != null && !v.isBlank() && !v.contains(":") && !Path.of(v).isAbsolute()) {
                m.put(k, home.resolve(v).normalize().toString());
            }
        }
        return new QuestSettings(m);
    }

    private static Map<String, String> read(Reader r) throws IOException {
        Properties p = new Properties();
        p.load(r);
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return m;
    }

    /** These settings overlaid by spark.quest.* keys of a Spark conf. */
    public QuestSettings withSparkConf(Map<String, String> sparkConf) {
        Map<String, String> m = new LinkedHashMap<>(values);
        sparkConf.forEach((k, v) -> {
            if (k.startsWith(SPARK_PREFIX)) {
                m.put(k.substring(SPARK_PREFIX.length()), v.trim());
            }
        });
        return new QuestSettings(m);
    }

    /** These settings overlaid by overrides (command-line flags). */
    public QuestSettings with(Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.putAll(overrides);
        return new QuestSettings(m);
    }

    /** The settings table's values of these layers, checked (an error names the setting and the value). */
    public Settings settings() {
        return Settings.of(values);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String get(String key, String fallback) {
        String v = values.get(key);
        return v == null ? fallback : v;
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("setting " + key + " is missing (set it in " + FILE + " or pass --" + key + ")");
        }
        return v;
    }

    public int getInt(String key) {
        String v = get(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public long getLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public float getFloat(String key) {
        String v = get(key);
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a number, got '" + v + "'");
        }
    }

    public double getDouble(String key) {
        String v = get(key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a number, got '" + v + "'");
        }
    }

    public boolean getBoolean(String key) {
        String v = get(key).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("setting " + key + " must be true or false, got '" + v + "'");
        };
    }

    /** A comma-separated list of integers. */
    public List<Integer> getIntList(String key) {
        List<Integer> out = new ArrayList<>();
        for (String part : get(key).split(",")) {
            if (!part.isBlank()) {
                try {
                    out.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("setting " + key + " must be a comma-separated list of integers, got '"
                            + get(key) + "'");
                }
            }
        }
        return out;
    }
}
