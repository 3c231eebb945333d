package dev.questspark.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Results of llama.cpp's {@code llama-batched-bench --output-format jsonl}: aggregate generation tokens/s (speed_tg,
 * all sequences' generated tokens over the generation time) by number of parallel sequences (pl).
 */
final class LlamaCppBatched {
    private static final Pattern PL = Pattern.compile("\"pl\"\\s*:\\s*(\\d+)");
    private static final Pattern SPEED_TG = Pattern.compile("\"speed_tg\"\\s*:\\s*([0-9.eE+-]+)");

    private LlamaCppBatched() {
    }

    static Map<Integer, Double> read(Path file) {
        Map<Integer, Double> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher pl = PL.matcher(line);
                Matcher tg = SPEED_TG.matcher(line);
                if (pl.find() && tg.find()) {
                    out.put(Integer.parseInt(pl.group(1)), Double.parseDouble(tg.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UsageException("--llamacpp: cannot read " + file + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new UsageException("--llamacpp: " + file + " holds no llama-batched-bench jsonl results (lines with pl and speed_tg)");
        }
        return out;
    }
}
