package dev.questspark.jobs.cli;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.model.Decoder;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.SharedModels;
import dev.questspark.settings.Settings;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bin/quest generate}: one prompt, no Spark; streams the text, then token counts and speeds. */
final class GenerateCommand extends Command {
    GenerateCommand() {
        super("generate", "generate text from one prompt (no Spark)",
                "generate --prompt TEXT [--chat]", Flags.generate());
    }

    @Override
    int run(ParsedFlags flags, PrintStream out) {
        String prompt = QuestCli.required(flags, "prompt", name());
        QuestSettings s = QuestSettings.defaults().with(flags.settings());
        Settings settings = s.settings();
        boolean json = flags.on("json");
        int threads = settings.get(Settings.THREADS) > 0 ? settings.get(Settings.THREADS)
                : Runtime.getRuntime().availableProcessors();
        GenerationConfig sampling = settings.generation();
        DocumentModel model = SharedModels.get(s.get("model-loader", SharedModels.ENGINE_LOADER),
                new ModelLocation(s.get("model")).requireLocalFile(), threads);

        int[] tokens = model.encodePrompt(prompt, flags.on("chat"));
        int contextTokens = settings.get(Settings.CONTEXT_TOKENS);
        int capacity = contextTokens > 0 ? Math.min(contextTokens, model.contextLength()) : model.contextLength();
        if (tokens.length + sampling.maxTokens() > capacity) {
            throw new UsageException("the prompt (" + tokens.length + " tokens) plus --max-tokens " + sampling.maxTokens()
                    + " does not fit the context of " + capacity + " tokens");
        }
        try (Decoder decoder = model.newDecoder(settings.quest(), capacity)) {
            long t0 = System.nanoTime();
            decoder.prefill(tokens);
            long prefillNanos = System.nanoTime() - t0;
            Generation g = decoder.generate(sampling, json ? null : text -> {
                out.print(text);
                out.flush();
            });
            double prefillRate = tokens.length / Math.max(prefillNanos / 1e9, 1e-9);
            double decodeRate = g.tokens().length / Math.max(g.decodeNanos() / 1e9, 1e-9);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("prompt_tokens", tokens.length);
                m.put("generated_tokens", g.tokens().length);
                m.put("prefill_tokens_per_s", prefillRate);
                m.put("decode_tokens_per_s", decodeRate);
                m.put("finish_reason", g.finishReason());
                m.put("text", g.text());
                out.println(Json.object(m));
            } else {
                out.println();
                out.println();
                out.printf(Locale.ROOT, "prompt tokens     %d%n", tokens.length);
                out.printf(Locale.ROOT, "generated tokens  %d (%s)%n", g.tokens().length, g.finishReason());
                out.printf(Locale.ROOT, "prefill tokens/s  %.1f%n", prefillRate);
                out.printf(Locale.ROOT, "decode tokens/s   %.1f%n", decodeRate);
            }
        }
        return 0;
    }
}
