package dev.questspark.jobs.eval.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named set of setting overrides the quality sets run under, on top of the job defaults. Written
 * {@code name=key:value,key:value} and several joined by {@code ;}, e.g.
 * {@code defaults;dense=attention:dense;quest-b256=attention:quest,token-budget:256} ("defaults" alone: no overrides).
 */
public record QualityVariant(String name, Map<String, String> overrides) {
    public static List<QualityVariant> parse(String spec) {
        List<QualityVariant> out = new ArrayList<>();
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).strip();
            Map<String, String> overrides = new LinkedHashMap<>();
            if (eq >= 0) {
                for (String kv : part.substring(eq + 1).split(",")) {
                    int colon = kv.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("quality setting '" + name + "': expected key:value, got '" + kv
                                + "' (form: name=key:value,key:value;name2=...)");
                    }
                    overrides.put(kv.substring(0, colon).strip(), kv.substring(colon + 1).strip());
                }
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a quality setting has no name: '" + part + "'");
            }
            out.add(new QualityVariant(name, Map.copyOf(overrides)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no quality settings in '" + spec + "'");
        }
        return out;
    }

    /** The overrides as written, for the report. */
    public String describe() {
        if (overrides.isEmpty()) {
            return "job defaults";
        }
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(overrides).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
