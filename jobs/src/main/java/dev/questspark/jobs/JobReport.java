package dev.questspark.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job did, for the console and the --json last line.
 *
 * @param sample a few output rows to show: a header row then values, already shortened
 */
public record JobReport(String job, String output, long rowsIn, long rowsOut, long rowsError, long documents,
                        long generatedTokens, double seconds, List<List<String>> sample, List<String> notes) {
    public double documentsPerSecond() {
        return seconds > 0 ? documents / seconds : 0;
    }

    public double generatedTokensPerSecond() {
        return seconds > 0 ? generatedTokens / seconds : 0;
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("output", output);
        m.put("rows_in", rowsIn);
        m.put("rows_out", rowsOut);
        m.put("rows_error", rowsError);
        m.put("documents", documents);
        m.put("generated_tokens", generatedTokens);
        m.put("seconds", seconds);
        m.put("documents_per_s", documentsPerSecond());
        m.put("generated_tokens_per_s", generatedTokensPerSecond());
        return m;
    }
}
