package dev.questspark.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The project's PNG charts (the evaluation report's and the bench job's), drawn with JFreeChart, headless. */
public final class Charts {
    /** One line: points (x[i], y[i]); NaN values leave a gap. Dashed lines mark references (dense). */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    private static final int W = 900;
    private static final int H = 540;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A line chart; logX plots x on a base-2 log scale (contexts, budgets); the y axis fits the values. */
    public static void line(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX) throws IOException {
        line(png, title, xLabel, yLabel, series, logX, fittedRange(series));
    }

    /** A line chart with a fixed y range {min, max} (for shares: 0 to 1). */
    public static void line(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX, double[] yr)
            throws IOException {
        try (OutputStream out = create(png)) {
            line(out, title, xLabel, yLabel, series, logX, yr);
        }
    }

    /** {@link #line(Path, String, String, String, List, boolean)} into a stream (for files on a Hadoop FileSystem). */
    public static void line(OutputStream png, String title, String xLabel, String yLabel, List<Series> series, boolean logX)
            throws IOException {
        line(png, title, xLabel, yLabel, series, logX, fittedRange(series));
    }

    private static void line(OutputStream png, String title, String xLabel, String yLabel, List<Series> series, boolean logX,
            double[] yr) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            XYSeries xy = new XYSeries(se.name(), false, true);
            for (int i = 0; i < se.x().length; i++) {
                xy.add(se.x()[i], Double.isNaN(se.y()[i]) ? null : se.y()[i]);
            }
            data.addSeries(xy);
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            renderer.setSeriesStroke(s, se.dashed()
                    ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f)
                    : new BasicStroke(2.2f));
        }
        ValueAxis x = logX ? log2Axis(xLabel) : new NumberAxis(xLabel);
        NumberAxis y = new NumberAxis(yLabel);
        y.setRange(yr[0], yr[1]);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        write(chart(title, plot, true), png);
    }

    /** A heat map of values in [0, 1] (rows top to bottom, columns left to right), each cell labelled in percent. */
    public static void heatMap(Path png, String title, String rowLabel, List<String> rows, String colLabel, List<String> cols,
            double[][] values) throws IOException {
        DefaultXYZDataset data = new DefaultXYZDataset();
        int n = rows.size() * cols.size();
        double[][] xyz = new double[3][n];
        XYBlockRenderer renderer = new XYBlockRenderer();
        LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
        for (int step = 0; step <= 100; step++) {
            scale.add(step / 100.0, heat(step / 100.0));
        }
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, new SymbolAxis(colLabel, cols.toArray(new String[0])),
                new SymbolAxis(rowLabel, bottomUp(rows)), renderer);
        int i = 0;
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++, i++) {
                double v = values[r][c];
                double row = rows.size() - 1 - r; // the first row at the top
                xyz[0][i] = c;
                xyz[1][i] = row;
                xyz[2][i] = Double.isNaN(v) ? -1 : v; // below the scale: white
                if (!Double.isNaN(v)) {
                    XYTextAnnotation label = new XYTextAnnotation(Math.round(100 * v) + "%", c, row);
                    label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                    plot.addAnnotation(label);
                }
            }
        }
        data.addSeries("values", xyz);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        try (OutputStream out = create(png)) {
            write(chart(title, plot, false), out);
        }
    }

    private static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Base 2, a tick at every power of two labelled as a plain number (256, 1024, ...). */
    private static LogAxis log2Axis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        axis.setNumberFormatOverride(new DecimalFormat("0"));
        axis.setTickUnit(new NumberTickUnit(1), false, true); // one tick per power of two
        return axis;
    }

    private static OutputStream create(Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        return Files.newOutputStream(png);
    }

    private static void write(JFreeChart chart, OutputStream out) throws IOException {
        ChartUtils.writeChartAsPNG(out, chart, W, H);
    }

    /** Red (0) through yellow to green (1). */
    private static Paint heat(double v) {
        double t = Math.max(0, Math.min(1, v));
        int r = (int) Math.round(t < 0.5 ? 230 : 230 - (t - 0.5) * 2 * 150);
        int gr = (int) Math.round(t < 0.5 ? 80 + t * 2 * 150 : 230);
        return new Color(r, gr, 90);
    }

    /** The values' range, padded; from zero unless the values sit in a narrow band far from it. */
    private static double[] fittedRange(List<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12) {
            double pad = Math.abs(hi) < 1e-12 ? 1 : Math.abs(hi) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        double pad = (hi - lo) * 0.08;
        double[] r = {lo - pad, hi + pad};
        if (lo > 0 && lo < 0.5 * hi) {
            r[0] = 0;
        }
        return r;
    }

    /** Labels from the bottom of the axis up, so the first row is drawn at the top. */
    private static String[] bottomUp(List<String> rows) {
        String[] out = new String[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(rows.size() - 1 - i);
        }
        return out;
    }
}
