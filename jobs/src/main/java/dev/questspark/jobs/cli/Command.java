package dev.questspark.jobs.cli;

import java.io.PrintStream;
import java.util.List;

/** One bin/quest subcommand: what the command list and its --help show, and how it runs. */
abstract class Command {
    /**
     * @param summary one line for the command list
     * @param usage the usage line without flags, e.g. "summarize --input PATH --output PATH"
     */
    record Info(String name, String summary, String usage, List<Flag> flags) {
        Info {
            flags = List.copyOf(flags);
        }
    }

    private final Info info;

    Command(String name, String summary, String usage, List<Flag> flags) {
        this.info = new Info(name, summary, usage, flags);
    }

    final Info info() {
        return info;
    }

    final String name() {
        return info.name();
    }

    /** Runs the command; returns the exit code. Usage problems throw {@link UsageException}. */
    abstract int run(ParsedFlags flags, PrintStream out) throws Exception;
}
