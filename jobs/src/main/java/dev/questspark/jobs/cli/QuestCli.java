package dev.questspark.jobs.cli;

import dev.questspark.engine.ModelLoadException;
import dev.questspark.jobs.config.QuestSettings;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/quest <command> [flags]}: the main class of the application jar. Commands: generate and
 * bench-attention (no Spark), summarize, qa, bench (Spark jobs), eval (evaluation report). Every command has --help
 * listing its flags and defaults; a wrong flag, a missing input or an existing output prints one line and exits
 * with 2, a failure prints one line and exits with 1 (its stack trace goes to the log file; QUEST_DEBUG=1 prints it
 * too). With --json the last line on stdout is a JSON object either way: the command's report or its error.
 */
public final class QuestCli {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        add(new GenerateCommand());
        add(new JobCommand("summarize", "summarize documents into Parquet (Spark)", "summarize --input PATH --output PATH",
                Flags.summarize(), "dev.questspark.jobs.SummarizeJob", List.of("input", "output"), List.of("input")));
        add(new JobCommand("qa", "answer questions about documents into Parquet (Spark)",
                "qa --documents PATH --questions PATH --output PATH", Flags.qa(), "dev.questspark.jobs.QaJob",
                List.of("documents", "questions", "output"), List.of("documents", "questions")));
        add(new JobCommand("bench", "throughput of dense and Quest attention: Parquet, summary and charts (Spark)",
                "bench --output PATH", Flags.bench(), "dev.questspark.jobs.BenchJob", List.of("output"), List.of("corpus")));
        add(new BenchAttentionCommand());
        add(new BenchBatchCommand());
        add(new EvalCommand());
    }

    private QuestCli() {
    }

    private static void add(Command c) {
        COMMANDS.put(c.name(), c);
    }

    public static void main(String[] args) {
        QuestLogging.useProjectConfigUnlessConfigured();
        exit(run(args, System.out, System.err));
    }

    /** Exits the JVM with code (Spark and the engine may leave non-daemon threads behind). */
    public static void exit(int code) {
        System.out.flush();
        System.exit(code);
    }

    public static String[] prepend(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    /**
     * Runs a command line; returns the exit code. A failure is one line on err (the stack trace goes to the log
     * file), and with --json also a JSON object with an error field on out.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            (args.length == 0 ? err : out).print(overview());
            return args.length == 0 ? 2 : 0;
        }
        String name = args[0];
        boolean json = Arrays.asList(args).contains("--json");
        Command command = COMMANDS.get(name);
        if (command == null) {
            return fail(name, "quest: ", "unknown command '" + name + "' (commands: " + String.join(", ", COMMANDS.keySet()) + ")",
                    null, 2, json, out, err);
        }
        try {
            ParsedFlags flags = ParsedFlags.parse(name, command.info().flags(), Arrays.copyOfRange(args, 1, args.length));
            if (flags.help()) {
                out.print(help(command));
                return 0;
            }
            return command.run(flags, out);
        } catch (UsageException e) {
            return fail(name, "quest " + name + ": ", e.getMessage(), null, 2, json, out, err);
        } catch (Exception | LinkageError e) {
            QuestLogging.failure(name, e);
            if (System.getenv("QUEST_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return fail(name, "quest " + name + ": error: ", describe(e), QuestLogging.logFile(), 1, json, out, err);
        }
    }

    /**
     * Prints prefix + message (and where the details are) on err, and with json {"command", "error": message,
     * "exit_code", "log"} on out.
     */
    private static int fail(String command, String prefix, String message, String log, int code, boolean json,
                            PrintStream out, PrintStream err) {
        err.println(prefix + message + (log == null ? "" : " (details in " + log + ")"));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", command);
            m.put("error", message);
            m.put("exit_code", code);
            if (log != null) {
                m.put("log", log);
            }
            out.println(Json.object(m));
        }
        return code;
    }

    /** The value of a required flag, or a usage error naming it. */
    static String required(ParsedFlags flags, String name, String command) {
        String v = flags.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("missing --" + name + " (see bin/quest " + command + " --help)");
        }
        return v;
    }

    /**
     * One line for a failure: the deepest cause's message (Spark wraps task failures in several layers), with the
     * exception's type when that says something the message does not.
     */
    static String describe(Throwable e) {
        Throwable best = e;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ModelLoadException) {
                return t.getMessage(); // one line naming the file and the problem; its causes say less
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t;
            }
        }
        String m = best.getMessage();
        if (m == null || m.isBlank()) {
            return best.getClass().getName();
        }
        String line = m.strip().lines().findFirst().orElse(m).strip();
        boolean plain = best instanceof IllegalArgumentException || best instanceof IllegalStateException
                || best instanceof java.io.UncheckedIOException;
        return plain ? line : best.getClass().getSimpleName() + ": " + line;
    }

    static String overview() {
        StringBuilder sb = new StringBuilder("usage: bin/quest <command> [flags]\n\ncommands:\n");
        COMMANDS.values().forEach(c -> sb.append(String.format("  %-16s %s%n", c.name(), c.info().summary())));
        sb.append("\nbin/quest <command> --help lists the command's flags and their defaults.\n")
                .append("Defaults come from conf/quest-defaults.properties, then spark.quest.* Spark conf keys, then flags.\n");
        return sb.toString();
    }

    static String help(Command c) {
        QuestSettings defaults = QuestSettings.defaults();
        StringBuilder sb = new StringBuilder("usage: bin/quest ").append(c.info().usage()).append(" [flags]\n\n")
                .append(c.info().summary()).append("\n\nflags:\n");
        for (Flag f : c.info().flags()) {
            String left = "--" + f.name() + (f.isSwitch() ? "" : " " + f.placeholder());
            String def = f.setting() ? defaults.get(f.name(), "") : f.fixedDefault();
            if (def == null || def.isEmpty()) {
                def = "none";
            }
            String note = def.equals(Flag.REQUIRED) ? "(required)" : "(default: " + def + ")";
            sb.append(String.format("  %-28s %s %s%n", left, f.help(), note));
        }
        sb.append(String.format("  %-28s %s%n", "--help", "this list"));
        return sb.toString();
    }
}
