package dev.questspark.jobs.bench;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tasks of one bench run as they ran (stage, executor, start and end), recorded from Spark's listener bus, for
 * the per-task timeline chart and the number of executors a run used.
 */
public final class TaskTimeline extends SparkListener implements AutoCloseable {
    /** Wait at most this long for the listener bus to deliver the run's last task ends. */
    private static final long DRAIN_MS = 5000;
    private static final long QUIET_MS = 500;

    /** One finished task attempt; times in ms since the run started; lane numbers concurrent tasks of an executor. */
    public record Task(int stage, int partition, String executor, double startSeconds, double endSeconds, boolean ok) {
    }

    private final SparkContext sc;
    private final long startMillis = System.currentTimeMillis();
    private final List<TaskInfoAndStage> ended = new ArrayList<>(); // guarded by this
    private long lastEvent = System.currentTimeMillis();

    private record TaskInfoAndStage(int stage, TaskInfo info) {
    }

    /** Starts recording the tasks of sc until closed. */
    public TaskTimeline(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(this);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        ended.add(new TaskInfoAndStage(end.stageId(), end.taskInfo()));
        lastEvent = System.currentTimeMillis();
    }

    /** The tasks that ended since this was made, by start time (waits briefly for the bus to deliver the last). */
    public List<Task> tasks() {
        long deadline = System.currentTimeMillis() + DRAIN_MS;
        while (System.currentTimeMillis() < deadline) {
            synchronized (this) {
                if (System.currentTimeMillis() - lastEvent >= QUIET_MS) {
                    break;
                }
            }
            sleep();
        }
        List<Task> out = new ArrayList<>();
        synchronized (this) {
            for (TaskInfoAndStage t : ended) {
                TaskInfo i = t.info();
                out.add(new Task(t.stage(), i.index(), i.executorId(), (i.launchTime() - startMillis) / 1000.0,
                        (i.finishTime() - startMillis) / 1000.0, i.successful()));
            }
        }
        out.sort(Comparator.comparingDouble(Task::startSeconds));
        return out;
    }

    /** Executors that ran at least one task of the run. */
    public static long executors(List<Task> tasks) {
        return tasks.stream().map(Task::executor).distinct().count();
    }

    /**
     * Seconds each executor had at least one task running (overlapping tasks counted once), by executor id: beside
     * a run's wall time it shows how long an executor sat idle.
     */
    public static java.util.SortedMap<String, Double> busySeconds(List<Task> tasks) {
        java.util.SortedMap<String, Double> out = new java.util.TreeMap<>();
        List<Task> byStart = new ArrayList<>(tasks);
        byStart.sort(Comparator.comparingDouble(Task::startSeconds));
        java.util.Map<String, double[]> open = new java.util.HashMap<>(); // executor -> current busy span {start, end}
        for (Task t : byStart) {
            double[] span = open.get(t.executor());
            if (span != null && t.startSeconds() <= span[1]) {
                span[1] = Math.max(span[1], t.endSeconds());
                continue;
            }
            if (span != null) {
                out.merge(t.executor(), span[1] - span[0], Double::sum);
            }
            open.put(t.executor(), new double[]{t.startSeconds(), t.endSeconds()});
        }
        open.forEach((e, span) -> out.merge(e, span[1] - span[0], Double::sum));
        return out;
    }

    /** The tasks as CSV (stage, partition, executor, start and end in seconds since the run started, ok). */
    public static String csv(List<Task> tasks) {
        StringBuilder sb = new StringBuilder("stage,partition,executor,start_seconds,end_seconds,ok\n");
        for (Task t : tasks) {
            sb.append(String.format(java.util.Locale.ROOT, "%d,%d,%s,%.3f,%.3f,%b%n", t.stage(), t.partition(), t.executor(),
                    t.startSeconds(), t.endSeconds(), t.ok()));
        }
        return sb.toString();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
