package dev.questspark.jobs;

import dev.questspark.jobs.cli.QuestLogging;
import dev.questspark.jobs.config.QuestSettings;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;
import java.util.Map;

/**
 * Starts the Spark session of a job and applies the settings layers: conf/ defaults, then spark.quest.* keys of
 * the session's conf (spark-defaults.conf, spark-submit --conf, bin/quest --conf), then command-line flags.
 */
public final class JobRunner {
    private static final String HEARTBEAT = "spark.executor.heartbeatInterval";

    private JobRunner() {
    }

    /**
     * Runs job in a new session. master: the --master flag when given; otherwise spark-submit's master when there
     * is one, else the master setting (local[*]).
     */
    public static JobReport run(String jobClass, Map<String, String> flagSettings, String explicitMaster, List<String> conf) {
        return run(jobClass, flagSettings, explicitMaster, conf, null);
    }

    /**
     * Runs job in a new session with progress (may be null) listening to it; with progress, executors send a
     * heartbeat every {@value JobProgress#HEARTBEAT} unless spark.executor.heartbeatInterval is set.
     */
    public static JobReport run(String jobClass, Map<String, String> flagSettings, String explicitMaster, List<String> conf,
                                JobProgress progress) {
        SparkJob job = instantiate(jobClass);
        QuestSettings defaults = QuestSettings.defaults();
        SparkSession.Builder b = SparkSession.builder().appName("quest " + job.name())
                .config("spark.ui.showConsoleProgress", "false");
        if (explicitMaster != null) {
            b.master(explicitMaster);
        } else if (System.getProperty("spark.master") == null) {
            b.master(defaults.get("master"));
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            b.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (progress != null && System.getProperty(HEARTBEAT) == null
                && conf.stream().noneMatch(kv -> kv.startsWith(HEARTBEAT + "="))) {
            b.config(HEARTBEAT, JobProgress.HEARTBEAT);
        }
        SparkSession spark = b.getOrCreate();
        // Starting a SparkContext reloads Spark's default logging when Spark had loaded it (plain spark-submit).
        QuestLogging.useProjectConfigUnlessConfigured();
        if (progress != null) {
            progress.start(spark.sparkContext());
        }
        try {
            return job.run(spark, settings(spark, defaults, flagSettings));
        } finally {
            if (progress != null) {
                progress.close();
            }
            spark.stop();
        }
    }

    private static SparkJob instantiate(String jobClass) {
        try {
            return (SparkJob) Class.forName(jobClass).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start job " + jobClass, e);
        }
    }

    /** The layered settings of a running session. */
    public static QuestSettings settings(SparkSession spark, QuestSettings defaults, Map<String, String> flagSettings) {
        Map<String, String> sparkConf = CollectionConverters.asJava(spark.conf().getAll());
        return defaults.withSparkConf(sparkConf).with(flagSettings);
    }
}
