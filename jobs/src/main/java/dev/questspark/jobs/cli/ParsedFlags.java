package dev.questspark.jobs.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The flags given on a command line: values by flag name, switches as "true", and repeated --conf entries. */
public record ParsedFlags(Map<String, String> values, List<String> conf, boolean help) {
    public static final String CONF = "conf";

    /** Parses --name value, --name=value and switches; anything else is a usage error naming the flag. */
    public static ParsedFlags parse(String command, List<Flag> flags, String[] args) {
        Map<String, Flag> byName = new LinkedHashMap<>();
        flags.forEach(f -> byName.put(f.name(), f));
        Map<String, String> values = new LinkedHashMap<>();
        List<String> conf = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "' for " + command + " (flags start with --; see bin/quest "
                        + command + " --help)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Flag f = byName.get(name);
            if (f == null) {
                throw new UsageException("unknown flag --" + name + " for " + command + " (see bin/quest " + command + " --help)");
            }
            if (f.isSwitch()) {
                values.put(name, value == null ? "true" : value);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("flag --" + name + " needs a value (" + f.placeholder() + ")");
                }
                value = args[++i];
            }
            if (name.equals(CONF)) {
                if (!value.contains("=")) {
                    throw new UsageException("--conf needs KEY=VALUE, got '" + value + "'");
                }
                conf.add(value);
            } else {
                values.put(name, value);
            }
        }
        return new ParsedFlags(Collections.unmodifiableMap(values), Collections.unmodifiableList(conf), help);
    }

    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** A switch's state: given without a value or as true/on/yes. */
    public boolean on(String name) {
        String v = values.get(name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase()) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new UsageException("--" + name + " is a switch; give it without a value or as --" + name + "=false");
        };
    }

    /** The flags as settings overrides: every flag given except --conf and --json, under its own name. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.remove("json");
        return m;
    }
}
