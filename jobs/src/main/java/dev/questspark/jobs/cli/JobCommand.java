package dev.questspark.jobs.cli;

import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.JobRunner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A bin/quest command that runs one of the Spark jobs. */
final class JobCommand implements Command {
    private final String name;
    private final String summary;
    private final String usage;
    private final List<Flag> flags;
    private final String jobClass;
    /** Flags that must be given, and of those the ones naming inputs that must exist. */
    private final List<String> required;
    private final List<String> inputs;

    JobCommand(String name, String summary, String usage, List<Flag> flags, String jobClass, List<String> required,
               List<String> inputs) {
        this.name = name;
        this.summary = summary;
        this.usage = usage;
        this.flags = flags;
        this.jobClass = jobClass;
        this.required = required;
        this.inputs = inputs;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String usage() {
        return usage;
    }

    @Override
    public List<Flag> flags() {
        return flags;
    }

    @Override
    public int run(ParsedFlags f, PrintStream out) {
        required.forEach(r -> QuestCli.required(f, r, name));
        for (String in : inputs) {
            String v = f.get(in);
            if (v != null && !v.contains(":") && !Files.exists(Path.of(v))) {
                throw new UsageException("--" + in + " not found: " + v);
            }
        }
        JobReport report = JobRunner.run(jobClass, f.settings(), f.get("master"), f.conf());
        if (f.on("json")) {
            out.println(Json.object(report.json()));
        } else {
            print(report, out);
        }
        return 0;
    }

    private static void print(JobReport r, PrintStream out) {
        out.printf(Locale.ROOT, "%s: %d rows in, %d rows out, %d with errors; Parquet in %s%n", r.job(), r.rowsIn(),
                r.rowsOut(), r.rowsError(), r.output().contains(":") ? r.output() : Path.of(r.output()).toAbsolutePath());
        out.printf(Locale.ROOT, "%.1f s, %.3f documents/s, %.1f generated tokens/s%n", r.seconds(), r.documentsPerSecond(),
                r.generatedTokensPerSecond());
        if (!r.sample().isEmpty()) {
            out.println();
            table(r.sample()).forEach(out::println);
        }
        r.notes().forEach(out::println);
    }

    /** Rows as left-aligned columns. */
    static List<String> table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                sb.append(i == columns - 1 ? row.get(i) : String.format("%-" + (width[i] + 2) + "s", row.get(i)));
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }
}
