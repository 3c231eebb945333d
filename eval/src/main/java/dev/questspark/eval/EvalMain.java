package dev.questspark.eval;

import java.io.IOException;
import dev.questspark.quest.QuestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The evaluation command: runs an {@link EvalPlan} and writes RESULTS.md, results/*.png and *.csv into the report
 * folder, output/eval-report unless --docs names another (--docs docs updates the project's own report; nothing is
 * written into docs/ unless asked). Flags: --model PATH, --quick, --docs DIR, --text PATH, --corpus DIR, --llamacpp DIR, --sections LIST, --threads N
 * (accuracy sections), and grid overrides --lengths, --depths, --trials, --budgets, --page-sizes, --speed-contexts,
 * --speed-threads, and the perplexity text's --ppl-tokens (tokens taken) and --ppl-scored (only the last N of them scored,
 * the rest prefilled densely), and --answer-tokens (greedy tokens of a passkey answer); --paper-budgets and
 * --adaptive-budgets (B,.. or none) set the ablation rows, and --variants key=value,..;key=value,.. (gqa-policy,
 * sink-pages, recent-pages, rerank-factor, rerank-score, page-size, dense-layers) adds Quest settings, each measured at every budget; --seed N is the base seed
 * of the passkeys and filler phases (another seed, other prompts). The regenerating command written into the report is the system property quest.eval.command
 * (set by the launcher) followed by the flags.
 */
public final class EvalMain {
    static final String USAGE = "usage: eval [--quick] [--model PATH] [--docs DIR] [--text PATH] [--corpus DIR] [--llamacpp DIR] "
            + "[--sections " + String.join(",", EvalRun.SECTIONS) + "] [--threads N] [--lengths L,..] [--depths D,..] [--trials N] "
            + "[--budgets B,..] [--page-sizes P,..] [--speed-contexts C,..] [--speed-threads T,..] [--ppl-tokens N] [--ppl-scored N] [--answer-tokens N] "
            + "[--paper-budgets B,..|none] [--adaptive-budgets B,..|none] [--variants key=value,..;..] [--seed N]";

    /** The report folder when --docs is not given, under the project: never docs/, which only --docs docs updates. */
    public static final String DEFAULT_REPORT = "output/eval-report";

    private EvalMain() {}

    /** A parsed command line: the plan, the sections to run, threads of the accuracy sections, the docs folder. */
    public record Options(EvalPlan plan, String preset, Set<String> sections, int threads, Path docs) {}

    public static void main(String[] args) throws IOException {
        String command = (System.getProperty("quest.eval.command", "bin/quest eval") + " " + String.join(" ", args)).strip();
        Options o = parse(args);
        execute(o, command);
        System.out.println("wrote " + o.docs().resolve("RESULTS.md") + " and " + o.docs().resolve("results"));
    }

    /** Runs the evaluation and writes the report (RESULTS.md, results/*.png and *.csv under the docs folder). */
    public static EvalResults execute(Options o, String command) throws IOException {
        EvalResults results = EvalRun.run(o.plan(), o.preset(), o.sections(), command, o.threads());
        ResultsReport.write(results, o.docs());
        return results;
    }

    /** Parses the flags listed in the class comment; paths default to the project's (system property quest.home). */
    public static Options parse(String[] args) {
        Path home = Path.of(System.getProperty("quest.home", "."));
        Path model = home.resolve("models/SmolLM2-135M-Instruct.Q4_1.gguf");
        Path docs = home.resolve(DEFAULT_REPORT);
        Path text = Files.isRegularFile(Path.of("/usr/share/common-licenses/GPL-3")) ? Path.of("/usr/share/common-licenses/GPL-3")
                : home.resolve("data/sample-corpus/gnu-gpl-3.0.txt");
        Path corpus = home.resolve("data/sample-corpus");
        Path llama = home.resolve("bench/llamacpp");
        boolean quick = false;
        Set<String> sections = new LinkedHashSet<>(EvalRun.SECTIONS);
        int threads = Runtime.getRuntime().availableProcessors();
        String[][] overrides = new String[13][];
        List<QuestConfig> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--model" -> model = Path.of(value(args, ++i, a));
                case "--docs" -> docs = Path.of(value(args, ++i, a));
                case "--text" -> text = Path.of(value(args, ++i, a));
                case "--corpus" -> corpus = Path.of(value(args, ++i, a));
                case "--llamacpp" -> llama = Path.of(value(args, ++i, a));
                case "--threads" -> threads = Integer.parseInt(value(args, ++i, a));
                case "--sections" -> sections = sections(value(args, ++i, a));
                case "--lengths" -> overrides[0] = list(value(args, ++i, a));
                case "--depths" -> overrides[1] = list(value(args, ++i, a));
                case "--trials" -> overrides[2] = list(value(args, ++i, a));
                case "--budgets" -> overrides[3] = list(value(args, ++i, a));
                case "--page-sizes" -> overrides[4] = list(value(args, ++i, a));
                case "--speed-contexts" -> overrides[5] = list(value(args, ++i, a));
                case "--speed-threads" -> overrides[6] = list(value(args, ++i, a));
                case "--ppl-tokens" -> overrides[7] = list(value(args, ++i, a));
                case "--ppl-scored" -> overrides[8] = list(value(args, ++i, a));
                case "--answer-tokens" -> overrides[9] = list(value(args, ++i, a));
                case "--paper-budgets" -> overrides[10] = list(value(args, ++i, a));
                case "--adaptive-budgets" -> overrides[11] = list(value(args, ++i, a));
                case "--seed" -> overrides[12] = list(value(args, ++i, a));
                case "--variants" -> variants.addAll(AttentionGrid.variantList(value(args, ++i, a)));
                default -> throw new IllegalArgumentException("unknown flag " + a + "; " + USAGE);
            }
        }
        EvalPlan plan = quick ? EvalPlan.quick(model, text, corpus, llama) : EvalPlan.full(model, text, corpus, llama);
        return new Options(override(plan, overrides, variants), quick ? "quick" : "full", sections, threads, docs);
    }

    static EvalPlan override(EvalPlan p, String[][] o, List<QuestConfig> variants) {
        return new EvalPlan(p.model(), o[0] == null ? p.passkeyLengths() : ints(o[0]), o[1] == null ? p.passkeyDepths() : doubles(o[1]),
                o[2] == null ? p.passkeyTrials() : Integer.parseInt(o[2][0]), o[3] == null ? p.budgets() : ints(o[3]),
                o[4] == null ? p.pageSizes() : ints(o[4]), o[9] == null ? p.answerTokens() : Integer.parseInt(o[9][0]),
                o[12] == null ? p.seed() : Long.parseLong(o[12][0]), p.pplText(),
                o[7] == null ? p.pplTokens() : Integer.parseInt(o[7][0]), o[8] == null ? p.pplScored() : Integer.parseInt(o[8][0]), p.pplPageSizes(),
                p.corpus(), p.agreementDocTokens(), p.agreementTokens(), o[5] == null ? p.speedContexts() : ints(o[5]),
                o[6] == null ? p.speedThreads() : ints(o[6]), o[3] == null ? p.speedBudgets() : ints(o[3]), p.speedDecodeTokens(),
                p.llamaCppDir(), p.llamaCppRepeats(), o[11] == null ? p.adaptiveBudgets() : budgetsOrNone(o[11]),
                o[10] == null ? p.paperBudgets() : budgetsOrNone(o[10]), variants.isEmpty() ? p.variants() : List.copyOf(variants));
    }

    private static Set<String> sections(String v) {
        Set<String> out = new LinkedHashSet<>(Arrays.asList(list(v)));
        for (String s : out) {
            if (!EvalRun.SECTIONS.contains(s)) {
                throw new IllegalArgumentException("unknown section " + s + "; sections are " + String.join(",", EvalRun.SECTIONS));
            }
        }
        return out;
    }

    private static String[] list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static List<Integer> ints(String[] v) {
        return Arrays.stream(v).map(Integer::valueOf).toList();
    }

    private static List<Integer> budgetsOrNone(String[] v) {
        return v.length == 1 && v[0].equals("none") ? List.of() : ints(v);
    }

    private static List<Double> doubles(String[] v) {
        return Arrays.stream(v).map(Double::valueOf).toList();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
        }
        return args[i];
    }
}
