package dev.questspark.eval;

import dev.questspark.engine.Engine;
import dev.questspark.engine.ModelInfo;
import dev.questspark.quest.QuestConfig;
import dev.questspark.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the sections of an {@link EvalPlan} in order and gathers their rows, logging progress as rows arrive. */
public final class EvalRun {
    /** Section names, as --sections spells them. */
    public static final List<String> SECTIONS = List.of("passkey", "perplexity", "agreement", "speed", "llamacpp");

    private static final Logger LOG = LoggerFactory.getLogger(EvalRun.class);

    private EvalRun() {}

    public static EvalResults run(EvalPlan plan, String preset, Set<String> sections, String command, int threads) {
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        double[] seconds = new double[SECTIONS.size()];
        List<String> notes = new ArrayList<>();
        List<PasskeyRow> passkey = List.of();
        List<PerplexityRow> ppl = new ArrayList<>();
        List<AgreementRow> agreement = new ArrayList<>();
        List<SpeedRow> speed = new ArrayList<>();
        ModelInfo info;
        try (Engine engine = Engine.load(plan.model(), threads)) {
            info = engine.info();
            EvalPlan fitted = plan.fitTo(info.contextLength());
            if (!fitted.equals(plan)) {
                notes.add("Lengths fitted to the model's context of " + info.contextLength() + " tokens (room left for the generated "
                        + "tokens): passkey " + plan.passkeyLengths() + " -> " + fitted.passkeyLengths() + ", speed contexts "
                        + plan.speedContexts() + " -> " + fitted.speedContexts() + ".");
                plan = fitted;
            }
            long t = System.nanoTime();
            if (sections.contains("passkey")) {
                PasskeyEval.Grid grid = new PasskeyEval.Grid(plan.passkeyLengths(), plan.passkeyDepths(), plan.passkeyTrials(),
                        plan.passkeySettings(), plan.answerTokens(), plan.seed(), plan.passkeyAdaptive());
                passkey = PasskeyEval.run(engine, grid, row -> LOG.info("passkey {} depth {} trial {} {} b{} p{}: {} ('{}')", row.length(),
                        row.depth(), row.trial(), row.attention(), row.budget(), row.pageSize(), row.correct() ? "correct" : "wrong",
                        row.answer().strip()));
            }
            seconds[0] = lap(t);
            t = System.nanoTime();
            if (sections.contains("perplexity")) {
                int[] tokens = pplTokens(engine, plan);
                String name = plan.pplText().getFileName().toString();
                if (plan.pplScored() > 0 && plan.pplScored() < tokens.length - 1) {
                    LOG.info("perplexity: prefilling {} tokens of {} densely, then scoring the last {} per setting", tokens.length
                            - 1 - plan.pplScored(), name, plan.pplScored());
                    ppl.addAll(PerplexityEval.tail(engine, name, tokens, plan.pplScored(), plan.pplSettings(),
                            plan.pplAdaptive(tokens.length, plan.pplScored()), row -> LOG.info("perplexity {} b{} p{}: {} over the last {} tokens",
                                    row.attention(), row.budget(), row.pageSize(), row.perplexity(), row.predicted())));
                } else {
                    for (QuestConfig q : plan.pplSettings()) {
                        PerplexityRow row = PerplexityEval.run(engine, name, tokens, q);
                        LOG.info("perplexity {} b{} p{}: {} over {} tokens", row.attention(), row.budget(), row.pageSize(),
                                row.perplexity(), row.predicted());
                        ppl.add(row);
                    }
                    for (AdaptiveBudget a : plan.pplAdaptive(tokens.length)) {
                        PerplexityRow row = PerplexityEval.run(engine, name, tokens, a);
                        LOG.info("perplexity {}: {} over {} tokens", row.attention(), row.perplexity(), row.predicted());
                        ppl.add(row);
                    }
                }
            }
            seconds[1] = lap(t);
            t = System.nanoTime();
            if (sections.contains("agreement")) {
                for (AgreementPrompts.Prompt p : AgreementPrompts.build(engine, plan.corpus(), plan.pplText(), plan.agreementDocTokens())) {
                    for (AgreementRow row : AgreementEval.run(engine, p.name(), p.tokens(), plan.agreementTokens(), plan.pplSettings())) {
                        LOG.info("agreement {} {} b{} p{}: prefix {}/{}, mean KL {}", row.prompt(), row.attention(), row.budget(),
                                row.pageSize(), row.matchingPrefix(), row.generated(), row.meanKl());
                        agreement.add(row);
                    }
                }
            }
            seconds[2] = lap(t);
        }
        long t = System.nanoTime();
        if (sections.contains("speed")) {
            speed.addAll(SpeedEval.run(plan.model(), plan.speedThreads(), plan.speedContexts(), plan.speedSettings(),
                    plan.speedDecodeTokens(), row -> LOG.info("speed t{} ctx {} {} b{}: {} tok/s decode", row.threads(), row.context(),
                            row.attention(), row.budget(), row.decodeTokensPerSecond())));
        }
        seconds[3] = lap(t);
        t = System.nanoTime();
        if (sections.contains("llamacpp")) {
            for (int th : plan.speedThreads()) {
                LlamaCppBench.Outcome o = LlamaCppBench.run(plan.llamaCppDir(), plan.model(), th, plan.speedContexts(),
                        plan.speedDecodeTokens(), plan.llamaCppRepeats());
                if (o.skipped() != null) {
                    notes.add("llama.cpp skipped: " + o.skipped() + ".");
                    LOG.warn("llama.cpp skipped: {}", o.skipped());
                    break;
                }
                speed.addAll(o.rows());
            }
        }
        seconds[4] = lap(t);
        return new EvalResults(plan, preset, Set.copyOf(sections), info, command, started, MachineInfo.describe(), passkey, ppl, agreement, speed, notes,
                seconds);
    }

    private static int[] pplTokens(Engine engine, EvalPlan plan) {
        String text = read(plan.pplText());
        int[] tokens = engine.encodePrompt(text, false);
        int limit = Math.min(plan.pplTokens(), engine.info().contextLength());
        return tokens.length > limit ? Arrays.copyOf(tokens, limit) : tokens;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage() + "; pass another file", e);
        }
    }

    private static double lap(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Agreement prompts: a summary and a question over the first tokens of each corpus document. */
    static final class AgreementPrompts {
        record Prompt(String name, int[] tokens) {}

        private AgreementPrompts() {}

        static List<Prompt> build(Engine engine, Path corpus, Path fallback, int docTokens) {
            List<Path> docs = new ArrayList<>();
            if (corpus != null && Files.isDirectory(corpus)) {
                try (Stream<Path> s = Files.list(corpus)) {
                    s.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(docs::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + corpus + ": " + e.getMessage(), e);
                }
            }
            if (docs.isEmpty()) {
                docs.add(fallback);
            }
            Tokenizer tok = engine.tokenizer();
            List<Prompt> out = new ArrayList<>();
            for (Path doc : docs) {
                int[] t = tok.encode(read(doc), false, false);
                String text = tok.decode(Arrays.copyOf(t, Math.min(t.length, docTokens)));
                String name = doc.getFileName().toString().replaceFirst("\\.txt$", "");
                out.add(new Prompt(name + " (summary)", prompt(engine, "Summarize the following text in a few sentences.\n\n" + text)));
                out.add(new Prompt(name + " (question)", prompt(engine, text + "\n\nQuestion: What is the main subject of this text, "
                        + "and who is it addressed to? Answer in two sentences.")));
            }
            return out;
        }

        private static int[] prompt(Engine engine, String text) {
            try {
                return engine.encodePrompt(text, true);
            } catch (IllegalArgumentException e) {
                return engine.encodePrompt(text, false); // models without a chat template get the raw text
            }
        }
    }
}
