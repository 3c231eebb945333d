package dev.questspark.engine;

import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import java.nio.file.Path;
import java.util.Arrays;
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
        int[] prompt = syntheticPrompt(engine, contextTokens);
        try (DecoderSession s = engine.newSession(quest, contextTokens + decodeTokens + 1)) {
            long t0 = System.nanoTime();
            s.prefill(prompt);
            s.logits();
            long t1 = System.nanoTime();
            AttentionStats before = s.stats().snapshot();
            for (int i = 0; i < decodeTokens; i++) {
                s.prefill(new int[] {Sampler.argmax(s.logits())});
            }
            s.logits();
            long t2 = System.nanoTime();
            AttentionStats after = s.stats().snapshot();
            long read = after.kvBytesRead() - before.kvBytesRead();
            long dense = after.kvBytesDense() - before.kvBytesDense();
            double decodeS = (t2 - t1) / 1e9;
            return new Result(contextTokens, decodeTokens, s.threads(), quest.attention().configName(),
                    quest.tokenBudget(), contextTokens / ((t1 - t0) / 1e9), decodeTokens / decodeS,
                    decodeS * 1000 / decodeTokens, dense == 0 ? 1.0 : (double) read / dense);
        }
    }

    /** Usage: EngineBench MODEL THREADS CONTEXTS(comma list) DECODE_TOKENS [dense|quest] [BUDGET]. */
    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: EngineBench MODEL THREADS CONTEXTS DECODE_TOKENS [dense|quest] [BUDGET]");
            System.exit(2);
        }
        Engine engine = Engine.load(Path.of(args[0]), Integer.parseInt(args[1]));
        QuestConfig quest = args.length > 4 && args[4].equals("quest") ? QuestConfig.quest() : QuestConfig.dense();
        if (args.length > 5) {
            quest = quest.withTokenBudget(Integer.parseInt(args[5]));
        }
        int decode = Integer.parseInt(args[3]);
        run(engine, quest, 64, 8); // warm-up: JIT and page-ins
        for (int ctx : Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()) {
            System.out.println(run(engine, quest, ctx, decode).toJson());
        }
    }
}
