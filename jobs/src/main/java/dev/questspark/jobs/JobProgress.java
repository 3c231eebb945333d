package dev.questspark.jobs;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a job on the driver's console while it works: rows done out of the total, generated tokens per
 * second and the time left. It follows the jobs' named accumulators ({@value #ROWS}, {@value #TOKENS}): finished
 * tasks report them when they end, running ones with every executor heartbeat (the command line shortens the
 * heartbeat to {@value #HEARTBEAT}), so a long partition shows progress row by row. The total is the Spark local
 * property {@value #TOTAL}, which a job sets before it writes ({@link #expect}).
 *
 * <p>Two styles: {@code bar}, one line redrawn in place every second (a terminal), and {@code lines}, a line when
 * more rows are done, at most every ten seconds (a log or a pipe).
 */
public final class JobProgress extends SparkListener implements AutoCloseable {
    /** The accumulators QuestGenerator counts rows and generated tokens in (also shown in the Spark UI). */
    public static final String ROWS = "quest rows";
    public static final String TOKENS = "quest generated tokens";
    /** Spark local property: the rows the job's generation stage will produce. */
    public static final String TOTAL = "quest.progress.total";
    /** Executor heartbeat interval the command line asks for, unless the user set one. */
    public static final String HEARTBEAT = "2s";
    private static final int BAR_WIDTH = 20;

    private final String prefix;
    private final String unit;
    private final boolean bar;
    private final PrintStream err;
    private final long intervalNanos;
    private final ScheduledExecutorService printer;
    /** Rows and tokens of running task attempts, from heartbeats; finished ones are added to done. */
    private final Map<Long, long[]> running = new HashMap<>();
    private long doneRows;
    private long doneTokens;
    private long total = -1;
    private long started = -1;
    private String lastShown = "";
    private long lastPrinted;
    private long lastRows;
    private SparkContext context;

    /**
     * @param prefix what the lines start with, e.g. "quest summarize: "
     * @param unit   what a row is, plural ("documents", "questions")
     * @param style  bar, lines or off
     */
    public JobProgress(String prefix, String unit, String style, PrintStream err) {
        this.prefix = prefix;
        this.unit = unit;
        this.bar = style.equals("bar");
        this.err = err;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(bar ? 1 : 10);
        this.printer = style.equals("off") ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quest-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tells the progress how many rows the generation will produce (call before the action that runs it). */
    public static void expect(SparkSession spark, long rows) {
        spark.sparkContext().setLocalProperty(TOTAL, Long.toString(rows));
    }

    /** Starts listening to sc and printing. */
    public void start(SparkContext sc) {
        context = sc;
        sc.addSparkListener(this);
        if (printer != null) {
            printer.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
        String t = job.properties() == null ? null : job.properties().getProperty(TOTAL);
        if (t != null) {
            total = Long.parseLong(t);
        }
    }

    @Override
    public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
                : CollectionConverters.asJava(update.accumUpdates())) {
            long[] counts = counts(task._4());
            if (counts != null) {
                running.put((Long) task._1(), counts);
                startClock();
            }
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
        long[] counts = counts(end.taskInfo().accumulables());
        if (counts != null && end.taskInfo().successful()) {
            doneRows += counts[0];
            doneTokens += counts[1];
            startClock();
        }
    }

    private void startClock() {
        if (started < 0) {
            started = System.nanoTime();
        }
    }

    /** {rows, tokens} from a task's accumulator updates, or null when it has none of ours. */
    private static long[] counts(scala.collection.Iterable<AccumulableInfo> infos) {
        long[] c = null;
        for (AccumulableInfo a : CollectionConverters.asJava(infos)) {
            String name = a.name().isDefined() ? a.name().get() : "";
            if ((name.equals(ROWS) || name.equals(TOKENS)) && a.update().isDefined()) {
                c = c == null ? new long[2] : c;
                c[name.equals(ROWS) ? 0 : 1] = ((Number) a.update().get()).longValue();
            }
        }
        return c;
    }

    /** Rows done so far: finished tasks and the running ones' last heartbeat. */
    public synchronized long rows() {
        return doneRows + running.values().stream().mapToLong(c -> c[0]).sum();
    }

    /** The progress line as it would be printed now, or null before the first row. */
    public synchronized String current() {
        if (started < 0) {
            return null;
        }
        long tokens = doneTokens + running.values().stream().mapToLong(c -> c[1]).sum();
        return line(rows(), total, tokens, System.nanoTime() - started, unit);
    }

    private synchronized void print() {
        String line = current();
        if (line == null) {
            return;
        }
        long rows = rows();
        long now = System.nanoTime();
        if (bar) {
            err.print("\r" + prefix + bar(rows, total) + line + "   ");
            err.flush();
            lastShown = line;
        } else if (rows != lastRows && now - lastPrinted >= intervalNanos) {
            err.println(prefix + line);
            lastShown = line;
            lastRows = rows;
            lastPrinted = now;
        }
    }

    /** "12/40 documents (30%), 35.2 tokens/s, about 1 min 20 s left"; without a total, no share and no time left. */
    static String line(long rows, long total, long tokens, long elapsedNanos, String unit) {
        double seconds = elapsedNanos / 1e9;
        StringBuilder sb = new StringBuilder();
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "%d/%d %s (%d%%)", rows, total, unit, rows * 100 / total));
        } else {
            sb.append(rows).append(' ').append(unit);
        }
        sb.append(String.format(Locale.ROOT, ", %.1f tokens/s", seconds > 0 ? tokens / seconds : 0));
        if (total > 0 && rows > 0 && rows < total) {
            sb.append(", about ").append(duration(seconds / rows * (total - rows))).append(" left");
        }
        return sb.toString();
    }

    private static String bar(long rows, long total) {
        if (total <= 0) {
            return "";
        }
        int filled = (int) Math.min(BAR_WIDTH, rows * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] ";
    }

    /** 45 s, 3 min 5 s, 2 h 10 min. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** Stops printing; a bar's line is ended so the report starts on its own line. */
    @Override
    public void close() {
        if (context != null) {
            context.removeSparkListener(this);
        }
        if (printer == null) {
            return;
        }
        printer.shutdownNow();
        synchronized (this) {
            if (bar && !lastShown.isEmpty()) {
                print();
                err.println();
            }
        }
    }
}
