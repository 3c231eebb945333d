package dev.questspark.jobs.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Logging of the command line. Console (stderr): the project's own messages and progress, one line each; the log
 * file (system property {@value #LOG_FILE}): everything, with Spark's warnings and stack traces. bin/quest names
 * both with -Dlog4j2.configurationFile=conf/log4j2.properties; under a plain spark-submit, Spark's default (INFO
 * on the console) is replaced by the same file, shipped in the jar, unless the user configured log4j2 themselves:
 * once when the command starts and again once its SparkContext has started (which reloads Spark's default; the
 * few INFO lines of the context's own start-up still reach the console).
 */
public final class QuestLogging {
    /** The system property naming the log file. */
    public static final String LOG_FILE = "quest.log.file";
    /** conf/log4j2.properties, copied into the application jar. */
    static final String RESOURCE = "dev/questspark/jobs/log4j2.properties";
    /** Only the log file gets this logger: the stack traces of failures the console shows as one line. */
    private static final Logger FAILURES = LoggerFactory.getLogger("dev.questspark.failure");

    private QuestLogging() {
    }

    /**
     * Switches Spark's default logging to the project's configuration; keeps any configuration the user chose
     * (-Dlog4j2.configurationFile, a log4j2.properties in SPARK_HOME/conf) and other logging back-ends.
     */
    public static void useProjectConfigUnlessConfigured() {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        try {
            // The context of the class loader Spark's own classes log through (spark-submit loads the app jar in a child).
            LoggerContext ctx = (LoggerContext) LogManager.getContext(SparkContext.class.getClassLoader(), false);
            if (!isSparkDefault(ctx.getConfiguration())) {
                return;
            }
            URL config = QuestLogging.class.getClassLoader().getResource(RESOURCE);
            if (config == null) {
                return;
            }
            if (System.getProperty(LOG_FILE) == null) {
                System.setProperty(LOG_FILE, Path.of(System.getProperty("java.io.tmpdir"),
                        "quest-" + System.getProperty("user.name", "user") + ".log").toString());
            }
            ctx.setConfigLocation(config.toURI());
        } catch (ClassCastException | LinkageError | URISyntaxException e) {
            // Not log4j2 core, or no Spark: the user's logging stays as it is.
        }
    }

    /** Spark's built-in configuration (INFO on the console), or log4j2's own default. */
    static boolean isSparkDefault(Configuration c) {
        if (c instanceof DefaultConfiguration) {
            return true;
        }
        ConfigurationSource source = c.getConfigurationSource();
        String location = source == null ? null : source.getLocation();
        return location == null || location.contains("org/apache/spark/log4j2");
    }

    /** Logs the failure of a command with its stack trace (to the log file only). */
    static void failure(String command, Throwable e) {
        FAILURES.error("bin/quest " + command + " failed", e);
    }

    /** The log file, or null when logging has none. */
    static String logFile() {
        return System.getProperty(LOG_FILE);
    }
}
