package dev.questspark.jobs.cli;

import dev.questspark.eval.EvalMain;
import dev.questspark.eval.EvalPlan;
import dev.questspark.eval.EvalResults;
import dev.questspark.jobs.config.QuestHome;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.eval.quality.QualityEval;
import dev.questspark.jobs.eval.quality.QualityReport;
import dev.questspark.jobs.eval.quality.QualityVariant;
import dev.questspark.jobs.eval.EvalParquet;
import dev.questspark.jobs.model.ModelLocation;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code bin/quest eval}: Quest's accuracy (passkey, perplexity, agreement with dense) and speed (with llama.cpp)
 * into a report folder (RESULTS.md with charts; output/eval-report, or --docs docs for the project's report), and
 * with --output the same rows as Parquet through Spark.
 */
final class EvalCommand extends Command {
    /** Flags passed on to {@link EvalMain} under the same names. */
    private static final List<String> PASSED = List.of("docs", "text", "corpus", "llamacpp", "lengths", "depths", "trials",
            "budgets", "page-sizes", "speed-contexts", "speed-threads", "ppl-tokens", "ppl-scored", "answer-tokens", "paper-budgets", "adaptive-budgets", "variants", "seed");
    /** Quest settings the eval's grid sets per row: --conf cannot set them for every row, so it is refused. */
    private static final List<String> GRID_SETTINGS = List.of("attention", "token-budget", "page-size", "dense-layers", "gqa-policy",
            "sink-pages", "recent-pages", "rerank-factor", "rerank-score", "token-budget-fraction");
    /** The section run here rather than by {@link EvalMain}: output quality of the jobs' own row code. */
    static final String QUALITY = "quality";
    private static final String ALL_SECTIONS = "passkey,perplexity,agreement,speed,llamacpp," + QUALITY;
    /** The full grid, whose lists the grid flags default to (shown in --help). */
    private static final EvalPlan FULL = EvalPlan.full(null, null, null, null);

    EvalCommand() {
        super("eval", "accuracy and speed of Quest vs dense and llama.cpp: RESULTS.md, charts, Parquet", "eval [--quick]",
                evalFlags());
    }

    private static List<Flag> evalFlags() {
        return List.of(
                Flag.toggle("quick", "reduced grid that finishes in minutes (1K-2K contexts, 2 trials)"),
                Flag.setting("model", "PATH", "GGUF model file (bin/fetch-model gets the default)"),
                Flag.setting("threads", "N", "decoder threads of the accuracy sections (0: all cores)"),
                Flag.value("docs", "DIR", EvalMain.DEFAULT_REPORT, "where RESULTS.md and results/ (charts, CSV) go;"
                        + " --docs docs updates the project's docs/RESULTS.md"),
                Flag.value("output", "PATH", "none", "also write the rows as Parquet tables under this folder"),
                Flag.setting("master", "URL", "Spark master for the Parquet output"),
                Flag.value("text", "PATH", "/usr/share/common-licenses/GPL-3", "long text for perplexity"),
                Flag.value("corpus", "DIR", "data/sample-corpus", "text documents for the agreement prompts"),
                Flag.value("llamacpp", "DIR", "bench/llamacpp", "the llama.cpp benchmark script (skipped without Node.js)"),
                Flag.value("sections", "LIST", ALL_SECTIONS, "sections to run (quality alone rewrites only its section)"),
                Flag.value("lengths", "N,N,...", join(FULL.passkeyLengths()), "passkey prompt lengths"),
                Flag.value("depths", "D,D,...", join(FULL.passkeyDepths()), "passkey depths (fractions of the filler)"),
                Flag.value("trials", "N", Integer.toString(FULL.passkeyTrials()), "passkey trials per (length, depth)"),
                Flag.value("budgets", "N,N,...", join(FULL.budgets()), "Quest token budgets"),
                Flag.value("page-sizes", "N,N,...", join(FULL.pageSizes()), "Quest page sizes of the passkey grid"),
                Flag.value("speed-contexts", "N,N,...", join(FULL.speedContexts()), "contexts of the speed table"),
                Flag.value("speed-threads", "N,N,...", join(FULL.speedThreads()), "thread counts of the speed table"),
                Flag.value("answer-tokens", "N", Integer.toString(FULL.answerTokens()),
                        "greedy tokens of a passkey answer (models that restate the question need more)"),
                Flag.value("paper-budgets", "N,N,...|none", join(FULL.paperBudgets()),
                        "budgets of the quest-paper rows (no sink pages), page size 16"),
                Flag.value("adaptive-budgets", "N,N,...|none", join(FULL.adaptiveBudgets()),
                        "fixed budgets each compared with an adaptive budget of equal mean tokens attended"),
                Flag.value("variants", "K=V,..;K=V,..", "none", "further Quest settings measured at every budget (passkey, perplexity): "
                        + "gqa-policy, sink-pages, recent-pages, rerank-factor, rerank-score, page-size, dense-layers, e.g. gqa-policy=per-head;sink-pages=0,page-size=8"),
                Flag.value("seed", "N", Long.toString(FULL.seed()), "base seed of the passkeys and filler phases"),
                Flag.value("ppl-tokens", "N", Integer.toString(FULL.pplTokens()), "tokens of the perplexity text taken"),
                Flag.value("ppl-scored", "N", "0", "score only the last N of them (0: all), the rest prefilled densely once"),
                Flag.value("quality-sets", "DIR", "data/quality", "QA and summary sets of the quality section"),
                Flag.value("quality-label", "NAME", "current", "name of this quality run's rows (kept beside earlier runs)"),
                Flag.value("quality-qa", "SETTINGS", QualityEval.DEFAULT_QA,
                        "settings of the QA set: name=key:value,...;name2=... over the job defaults (none: skip)"),
                Flag.value("quality-summaries", "SETTINGS", QualityEval.DEFAULT_SUMMARY,
                        "settings of the summary set, the same form (defaults: the job defaults; none: skip)"),
                Flags.CONF);
    }

    @Override
    int run(ParsedFlags f, PrintStream out) throws Exception {
        for (String c : f.conf()) {
            for (String g : GRID_SETTINGS) {
                if (c.replaceFirst("^spark\\.", "").startsWith("quest." + g + "=")) {
                    throw new UsageException("eval sets " + g + " per row of its grid, so --conf " + c + " would be ignored; use --budgets, "
                            + "--page-sizes or --variants (e.g. --variants gqa-policy=per-head;sink-pages=0)");
                }
            }
        }
        QuestSettings s = QuestSettings.defaults().with(f.settings());
        List<String> args = new ArrayList<>();
        if (f.on("quick")) {
            args.add("--quick");
        }
        args.add("--model");
        args.add(new ModelLocation(s.get("model")).requireLocalFile().toString());
        args.add("--threads");
        args.add(Integer.toString(s.getInt("threads") > 0 ? s.getInt("threads") : Runtime.getRuntime().availableProcessors()));
        for (String name : PASSED) {
            if (f.has(name)) {
                args.add("--" + name);
                args.add(f.get(name));
            }
        }
        List<String> sections = new ArrayList<>(List.of((f.has("sections") ? f.get("sections") : ALL_SECTIONS).split(",")));
        boolean quality = sections.remove(QUALITY);
        if (!sections.isEmpty()) {
            args.add("--sections");
            args.add(String.join(",", sections));
        }
        EvalMain.Options options;
        try {
            options = EvalMain.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!sections.isEmpty()) {
            runCore(options, f, s, out);
        }
        if (quality) {
            QualityEval q;
            try {
                q = new QualityEval(Path.of(f.has("quality-sets") ? f.get("quality-sets") : QuestHome.get().resolve("data/quality").toString()),
                        f.has("quality-label") ? f.get("quality-label") : "current", variants(f, "quality-qa", QualityEval.DEFAULT_QA),
                        variants(f, "quality-summaries", QualityEval.DEFAULT_SUMMARY));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            int threads = s.getInt("threads") > 0 ? s.getInt("threads") : Runtime.getRuntime().availableProcessors();
            q.run(s, threads, QuestHome.get(), options.docs(), "bin/quest eval" + given(f)).forEach(out::println);
        }
        return 0;
    }

    /** The accuracy and speed sections; the quality section of an existing report is carried over unchanged. */
    private static void runCore(EvalMain.Options options, ParsedFlags f, QuestSettings s, PrintStream out) throws Exception {
        Path report = options.docs().resolve("RESULTS.md");
        String qualityBlock = Files.isRegularFile(report) ? QualityReport.block(Files.readString(report)) : null;
        EvalResults results = EvalMain.execute(options, "bin/quest eval" + given(f));
        if (qualityBlock != null) {
            Files.writeString(report, Files.readString(report).stripTrailing() + "\n\n" + qualityBlock + "\n");
        }
        out.printf(Locale.ROOT, "eval: %d passkey answers, %d perplexity rows, %d agreement rows, %d speed rows; report in %s%n",
                results.passkey().size(), results.perplexity().size(), results.agreement().size(), results.speed().size(),
                report.toAbsolutePath());
        results.notes().forEach(out::println);
        if (f.has("output")) {
            Path parquet = EvalParquet.write(options.docs().resolve("results"), f.get("output"), s.get("master"), f.conf());
            out.println("eval: Parquet tables in " + parquet);
        }
    }

    private static List<QualityVariant> variants(ParsedFlags f, String flag, String fallback) {
        String spec = f.has(flag) ? f.get(flag) : fallback;
        return spec.strip().equals("none") ? List.of() : QualityVariant.parse(spec);
    }

    private static String join(List<?> values) {
        return values.stream().map(v -> v instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : v.toString())
                .collect(Collectors.joining(","));
    }

    /** The flags as given, for the regenerating command the report prints. */
    private static String given(ParsedFlags f) {
        StringBuilder sb = new StringBuilder();
        f.values().forEach((k, v) -> sb.append(" --").append(k).append(v.equals("true") && k.equals("quick") ? "" : " " + v));
        f.conf().forEach(c -> sb.append(" --conf ").append(c));
        return sb.toString();
    }
}
