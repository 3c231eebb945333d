package dev.questspark.engine;

import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import java.nio.file.Path;
import dev.questspark.quest.PagedKvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prefill and decode throughput at a given context: a synthetic prompt of exactly {@code contextTokens} tokens
 * (a fixed text repeated, so every run and every engine sees the same ids), then {@code decodeTokens} greedy steps
 * that ignore end-of-generation. Used by the bench commands and docs/benchmarks.md.
 */
public final class EngineBench {
    /** One measurement. Rates are tokens per second; the stats cover the decode steps only. */
    public record Result(int contextTokens, int decodeTokens, int threads, String attention, int tokenBudget,
                         double prefillTokensPerSecond, double decodeTokensPerSecond, double decodeMsPerToken,
                         double kvReadFraction) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"context\":%d,\"decode_tokens\":%d,\"threads\":%d,\"attention\":\"%s\","
                    + "\"token_budget\":%d,\"prefill_tokens_per_s\":%.2f,\"decode_tokens_per_s\":%.2f,"
                    + "\"decode_ms_per_token\":%.3f,\"kv_read_fraction\":%.4f}", contextTokens, decodeTokens, threads,
                    attention, tokenBudget, prefillTokensPerSecond, decodeTokensPerSecond, decodeMsPerToken, kvReadFraction);
        }
    }

    private static final String FILLER = "The quick brown fox jumps over the lazy dog while the river runs past the old mill. "
            + "Seven bakers counted 1234 loaves, and the market closed at dusk. ";

    private EngineBench() {}

    /** A prompt of exactly n tokens: the filler text tokenized and repeated. */
    public static int[] syntheticPrompt(Engine engine, int n) {
        int[] unit = engine.tokenizer().encode(FILLER, false, false);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = unit[i % unit.length];
        }
        return out;
    }

    /** Prefills contextTokens tokens, then decodes decodeTokens tokens greedily, timing each phase. */
    public static Result run(Engine engine, QuestConfig quest, int contextTokens, int decodeTokens) {
        return compare(engine, List.of(quest), contextTokens, decodeTokens).get(0);
    }

    /**
     * Prefills contextTokens tokens once (prefill is dense under every setting), then for each setting goes back to
     * the prompt and decodes decodeTokens tokens greedily: settings are compared on the same cache in one run.
     * The settings must share a page size.
     */
    public static List<Result> compare(Engine engine, List<QuestConfig> settings, int contextTokens, int decodeTokens) {
        int[] prompt = syntheticPrompt(engine, contextTokens);
        List<Result> results = new ArrayList<>();
        try (DecoderSession s = engine.newSession(settings.get(0), contextTokens + decodeTokens + 1)) {
            long t0 = System.nanoTime();
            s.prefill(prompt);
            s.logits();
            double prefillS = (System.nanoTime() - t0) / 1e9;
            float[] promptLogits = s.logits().clone();
            for (QuestConfig quest : settings) {
                s.truncate(contextTokens);
                ((PagedKvCache) s.kvCache()).setQuest(quest);
                AttentionStats before = s.stats().snapshot();
                long t1 = System.nanoTime();
                int next = Sampler.argmax(promptLogits);
                for (int i = 0; i < decodeTokens; i++) {
                    s.decode(next);
                    next = Sampler.argmax(s.logits());
                }
                double decodeS = (System.nanoTime() - t1) / 1e9;
                AttentionStats after = s.stats().snapshot();
                long read = after.kvBytesRead() - before.kvBytesRead();
                long dense = after.kvBytesDense() - before.kvBytesDense();
                results.add(new Result(contextTokens, decodeTokens, s.threads(), quest.attention().configName(),
                        quest.tokenBudget(), contextTokens / prefillS, decodeTokens / decodeS,
                        decodeS * 1000 / decodeTokens, dense == 0 ? 1.0 : (double) read / dense));
            }
        }
        return results;
    }

    /**
     * Usage: EngineBench MODEL THREADS CONTEXTS DECODE_TOKENS [SETTINGS], CONTEXTS a comma list, SETTINGS a comma
     * list of dense and quest:BUDGET (default dense), all measured on one prefill per context.
     */
    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: EngineBench MODEL THREADS CONTEXTS DECODE_TOKENS [dense,quest:BUDGET,...]");
            System.exit(2);
        }
        Engine engine = Engine.load(Path.of(args[0]), Integer.parseInt(args[1]));
        List<QuestConfig> settings = new ArrayList<>();
        for (String s : (args.length > 4 ? args[4] : "dense").split(",")) {
            settings.add(s.startsWith("quest")
                    ? QuestConfig.quest().withTokenBudget(Integer.parseInt(s.substring(s.indexOf(':') + 1)))
                    : QuestConfig.dense());
        }
        int decode = Integer.parseInt(args[3]);
        compare(engine, settings, 64, 8); // warm-up: JIT and page-ins
        for (int ctx : Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()) {
            for (Result r : compare(engine, settings, ctx, decode)) {
                System.out.println(r.toJson());
            }
        }
    }
}
