package dev.questspark.jobs.cli;

import java.io.PrintStream;
import java.util.List;

/** One bin/quest subcommand. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The usage line without flags, e.g. "summarize --input PATH --output PATH". */
    String usage();

    List<Flag> flags();

    /** Runs the command; returns the exit code. Usage problems throw {@link UsageException}. */
    int run(ParsedFlags flags, PrintStream out) throws Exception;
}
