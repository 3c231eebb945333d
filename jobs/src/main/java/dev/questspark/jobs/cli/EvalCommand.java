package dev.questspark.jobs.cli;

import dev.questspark.eval.EvalMain;
import dev.questspark.eval.EvalResults;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.eval.EvalParquet;
import dev.questspark.jobs.model.ModelLocation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/quest eval}: Quest's accuracy (passkey, perplexity, agreement with dense) and speed (with llama.cpp)
 * into docs/RESULTS.md with charts, and with --output the same rows as Parquet through Spark.
 */
final class EvalCommand implements Command {
    /** Flags passed on to {@link EvalMain} under the same names. */
    private static final List<String> PASSED = List.of("docs", "text", "corpus", "llamacpp", "sections", "lengths", "depths", "trials",
            "budgets", "page-sizes", "speed-contexts", "speed-threads");

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "accuracy and speed of Quest vs dense and llama.cpp: docs/RESULTS.md, charts, Parquet";
    }

    @Override
    public String usage() {
        return "eval [--quick]";
    }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.toggle("quick", "reduced grid that finishes in minutes (1K-2K contexts, 2 trials)"),
                Flag.setting("model", "PATH", "GGUF model file (bin/fetch-model gets the default)"),
                Flag.setting("threads", "N", "decoder threads of the accuracy sections (0: all cores)"),
                Flag.value("docs", "DIR", "docs", "where RESULTS.md and results/ (charts, CSV) go"),
                Flag.value("output", "PATH", "none", "also write the rows as Parquet tables under this folder"),
                Flag.setting("master", "URL", "Spark master for the Parquet output"),
                Flag.value("text", "PATH", "/usr/share/common-licenses/GPL-3", "long text for perplexity"),
                Flag.value("corpus", "DIR", "data/sample-corpus", "text documents for the agreement prompts"),
                Flag.value("llamacpp", "DIR", "bench/llamacpp", "the llama.cpp benchmark script (skipped without Node.js)"),
                Flag.value("sections", "LIST", "passkey,perplexity,agreement,speed,llamacpp", "sections to run"),
                Flag.value("lengths", "N,N,...", "1024,2048,4096,8192", "passkey prompt lengths"),
                Flag.value("depths", "D,D,...", "0,0.1,...,1", "passkey depths (fractions of the filler)"),
                Flag.value("trials", "N", "20", "passkey trials per (length, depth)"),
                Flag.value("budgets", "N,N,...", "64,128,256,512,1024", "Quest token budgets"),
                Flag.value("page-sizes", "N,N,...", "8,16,32", "Quest page sizes of the passkey grid"),
                Flag.value("speed-contexts", "N,N,...", "512,1024,2048,4096,8192", "contexts of the speed table"),
                Flag.value("speed-threads", "N,N,...", "1,2", "thread counts of the speed table"),
                Flags.CONF);
    }

    @Override
    public int run(ParsedFlags f, PrintStream out) throws Exception {
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
        EvalMain.Options options;
        try {
            options = EvalMain.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        EvalResults results = EvalMain.execute(options, "bin/quest eval" + given(f));
        out.printf(Locale.ROOT, "eval: %d passkey answers, %d perplexity rows, %d agreement rows, %d speed rows; report in %s%n",
                results.passkey().size(), results.perplexity().size(), results.agreement().size(), results.speed().size(),
                options.docs().resolve("RESULTS.md").toAbsolutePath());
        results.notes().forEach(out::println);
        if (f.has("output")) {
            Path parquet = EvalParquet.write(options.docs().resolve("results"), f.get("output"), s.get("master"), f.conf());
            out.println("eval: Parquet tables in " + parquet);
        }
        return 0;
    }

    /** The flags as given, for the regenerating command the report prints. */
    private static String given(ParsedFlags f) {
        StringBuilder sb = new StringBuilder();
        f.values().forEach((k, v) -> sb.append(" --").append(k).append(v.equals("true") && k.equals("quick") ? "" : " " + v));
        f.conf().forEach(c -> sb.append(" --conf ").append(c));
        return sb.toString();
    }
}
