package dev.questspark.jobs.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-task timeline of a bench run (a Gantt chart, which the line charts of {@code eval.Charts} do not draw): one
 * horizontal bar per task from its start to its end, one lane per task slot of each executor (a task takes the
 * lowest lane free when it starts), coloured by stage.
 */
public final class TimelineChart {
    private static final double HANDOVER_SECONDS = 0.05;
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final Color[] STAGE_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private TimelineChart() {
    }

    /**
     * The lane of each task (tasks by start time): the lowest slot of its executor whose last task has ended. The
     * driver records a freed slot's next launch up to a few ms before the previous task's finish, so a task that
     * starts within {@value #HANDOVER_SECONDS} s of a lane's end follows it rather than opening a second lane.
     */
    public static List<String> lanes(List<TaskTimeline.Task> tasks) {
        Map<String, List<Double>> laneEnds = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (TaskTimeline.Task t : tasks) {
            List<Double> ends = laneEnds.computeIfAbsent(t.executor(), e -> new ArrayList<>());
            int slot = 0;
            while (slot < ends.size() && ends.get(slot) > t.startSeconds() + HANDOVER_SECONDS) {
                slot++;
            }
            if (slot == ends.size()) {
                ends.add(0.0);
            }
            ends.set(slot, Math.max(ends.get(slot), t.endSeconds()));
            out.add("executor " + t.executor() + " slot " + slot);
        }
        return out;
    }

    public static void draw(String title, List<TaskTimeline.Task> tasks, OutputStream out) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        List<String> laneNames = new ArrayList<>();
        Map<String, Integer> laneIndex = new LinkedHashMap<>();
        List<Integer> stages = new ArrayList<>();
        List<String> lanes = lanes(tasks);
        for (int i = 0; i < tasks.size(); i++) {
            TaskTimeline.Task t = tasks.get(i);
            String lane = lanes.get(i);
            laneIndex.computeIfAbsent(lane, l -> {
                laneNames.add(l);
                return laneNames.size() - 1;
            });
            XYSeries s = new XYSeries("task " + stages.size(), false, true);
            s.add(t.startSeconds(), laneIndex.get(lane));
            s.add(t.endSeconds(), laneIndex.get(lane));
            data.addSeries(s);
            stages.add(t.stage());
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds since the run started", "task slot", data,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer bars = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < stages.size(); i++) {
            bars.setSeriesStroke(i, new BasicStroke(10f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
            bars.setSeriesPaint(i, STAGE_COLORS[Math.floorMod(stages.get(i), STAGE_COLORS.length)]);
        }
        plot.setRenderer(bars);
        plot.setRangeAxis(new SymbolAxis("task slot", laneNames.toArray(new String[0])));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    }
}
