package dev.questspark.jobs.cli;

import dev.questspark.jobs.JobProgress;
import dev.questspark.jobs.JobReport;
import dev.questspark.jobs.JobRunner;
import dev.questspark.jobs.OutputCheck;
import dev.questspark.jobs.config.QuestSettings;
import dev.questspark.jobs.model.ModelLocation;
import dev.questspark.jobs.model.ModelPreflight;
import dev.questspark.jobs.model.SharedModels;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A bin/quest command that runs one of the Spark jobs. */
final class JobCommand extends Command {
    /** System property: progress style, bar (a terminal), lines or off; bin/quest sets it from QUEST_PROGRESS. */
    static final String PROGRESS = "quest.progress";
    private final String jobClass;
    /** Flags that must be given, and of those the ones naming inputs that must exist. */
    private final List<String> required;
    private final List<String> inputs;

    JobCommand(String name, String summary, String usage, List<Flag> flags, String jobClass, List<String> required,
               List<String> inputs) {
        super(name, summary, usage, flags);
        this.jobClass = jobClass;
        this.required = required;
        this.inputs = inputs;
    }

    @Override
    int run(ParsedFlags f, PrintStream out) {
        String name = name();
        required.forEach(r -> QuestCli.required(f, r, name));
        for (String in : inputs) {
            String v = f.get(in);
            if (v != null && !v.contains(":") && !Files.exists(Path.of(v))) {
                throw new UsageException("--" + in + " not found: " + v);
            }
        }
        QuestSettings before = settingsBeforeSpark(f);
        checkOutput(f.get("output"), before);
        checkModel(before);
        JobReport report;
        try (JobProgress progress = new JobProgress("quest " + name + ": ", name.equals("qa") ? "questions" : "documents",
                System.getProperty(PROGRESS, "lines"), System.err)) {
            report = JobRunner.run(jobClass, f.settings(), f.get("master"), f.conf(), progress);
        }
        if (f.on("json")) {
            out.println(Json.object(report.json()));
        } else {
            print(report, out);
        }
        return 0;
    }

    /**
     * The settings as the job will see them, except spark-defaults.conf when not run through spark-submit: what the
     * checks before Spark starts read.
     */
    private static QuestSettings settingsBeforeSpark(ParsedFlags f) {
        Map<String, String> sparkConf = new HashMap<>();
        System.getProperties().forEach((k, v) -> sparkConf.put(k.toString(), v.toString()));
        for (String kv : f.conf()) {
            int eq = kv.indexOf('=');
            sparkConf.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return QuestSettings.defaults().withSparkConf(sparkConf).with(f.settings());
    }

    /**
     * A model file on this machine that cannot load fails here, in a moment, instead of after Spark has started;
     * models elsewhere (shipped with --files, Hadoop URIs) are checked by the job's driver before any task.
     */
    private static void checkModel(QuestSettings s) {
        ModelLocation location = new ModelLocation(s.get("model"));
        if (location.isLocal() && Files.isRegularFile(location.localPath())) {
            ModelPreflight.validate(s.get("model-loader", SharedModels.ENGINE_LOADER), location.localPath());
        }
    }

    /** Refuses an existing output before Spark starts (seconds, and a screen of logs, earlier than the job's own check). */
    private static void checkOutput(String output, QuestSettings s) {
        if (output == null) {
            return;
        }
        boolean overwrite = s.getBoolean("overwrite");
        try {
            OutputCheck.requireWritable(output, overwrite, new Configuration());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (UncheckedIOException e) {
            // A file system this JVM cannot reach without Spark's configuration: the job checks again.
        }
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
