package dev.questspark.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's speed on the same GGUF, through the project's node-llama-cpp script (bench/llamacpp/bench.mjs --json).
 * Optional: without Node.js or without the script's node_modules the outcome says why it was skipped.
 */
public final class LlamaCppBench {
    /** Rows measured, or none and the reason they were skipped. */
    public record Outcome(List<SpeedRow> rows, String skipped) {}

    private static final Pattern RESULT = Pattern.compile("\\{\"context\":(\\d+),\"prefill_tokens_per_s\":([-0-9.eE+]+),"
            + "\"decode_tokens_per_s\":([-0-9.eE+]+),\"decode_ms_per_token\":([-0-9.eE+]+)\\}");

    private LlamaCppBench() {}

    /** Why the benchmark cannot run from benchDir, or null when it can. */
    public static String unavailableReason(Path benchDir) {
        if (!Files.isRegularFile(benchDir.resolve("bench.mjs"))) {
            return "no llama.cpp benchmark script at " + benchDir.resolve("bench.mjs");
        }
        if (!Files.isDirectory(benchDir.resolve("node_modules").resolve("node-llama-cpp"))) {
            return "node-llama-cpp is not installed in " + benchDir + " (run npm ci there)";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "node --version failed";
        } catch (IOException e) {
            return "Node.js is not installed (no node on PATH)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for Node.js";
        }
    }

    public static Outcome run(Path benchDir, Path model, int threads, List<Integer> contexts, int decodeTokens, int repeats) {
        String reason = unavailableReason(benchDir);
        if (reason != null) {
            return new Outcome(List.of(), reason);
        }
        List<String> cmd = List.of("node", benchDir.resolve("bench.mjs").toString(), "--model", model.toAbsolutePath().toString(),
                "--threads", Integer.toString(threads), "--contexts", join(contexts), "--decode-tokens", Integer.toString(decodeTokens),
                "--repeats", Integer.toString(repeats), "--json");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                return new Outcome(List.of(), "llama.cpp benchmark exited with status " + p.exitValue() + ": " + String.join(" ", cmd));
            }
            return new Outcome(parseSummary(out, threads), null);
        } catch (IOException e) {
            return new Outcome(List.of(), "llama.cpp benchmark could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(List.of(), "interrupted");
        }
    }

    /** The median rows of bench.mjs's summary line (the line with "type":"summary"). */
    static List<SpeedRow> parseSummary(String output, int threads) {
        List<SpeedRow> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.contains("\"type\":\"summary\"")) {
                continue;
            }
            Matcher m = RESULT.matcher(line);
            while (m.find()) {
                rows.add(new SpeedRow(SpeedRow.LLAMA_CPP, threads, Integer.parseInt(m.group(1)), "dense", 0, 0,
                        Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), 1.0));
            }
        }
        return rows;
    }

    private static String join(List<Integer> values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        }
        return sb.toString();
    }
}
