package dev.questspark.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** PNG line charts and heat maps drawn with java.awt (headless), so the report needs no chart library. */
public final class Charts {
    /** One line: points (x[i], y[i]); NaN values leave a gap. Dashed lines mark references (dense). */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    private static final int W = 900;
    private static final int H = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 220;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A line chart; logX plots x on a base-2 log scale (contexts, budgets); the y axis fits the values. */
    public static void line(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX) throws IOException {
        double[] yr = range(series, false, false);
        if (yr[0] > 0 && yr[0] < 0.5 * yr[1]) {
            yr[0] = 0; // start at zero unless the values sit in a narrow band far from it
        }
        line(png, title, xLabel, yLabel, series, logX, yr);
    }

    /** A line chart with a fixed y range {min, max} (for shares: 0 to 1). */
    public static void line(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX, double[] yr)
            throws IOException {
        double[] xr = range(series, true, logX);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i <= 5; i++) {
            int y = TOP + ph - i * ph / 5;
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(yr[0] + i * (yr[1] - yr[0]) / 5), 8, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.DARK_GRAY);
        for (double xv : distinctX(series)) {
            int x = LEFT + (int) Math.round(pw * frac(logX ? log2(xv) : xv, xr));
            g.drawLine(x, TOP + ph, x, TOP + ph + 5);
            g.drawString(fmt(xv), x - 12, TOP + ph + 20);
        }
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(xLabel, LEFT + pw / 2 - 40, H - 15);
        g.drawString(yLabel, 8, TOP - 12);
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            g.setColor(PALETTE[s % PALETTE.length]);
            g.setStroke(se.dashed() ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f)
                    : new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < se.x().length; i++) {
                if (Double.isNaN(se.y()[i])) {
                    px = -1;
                    continue;
                }
                int x = LEFT + (int) Math.round(pw * frac(logX ? log2(se.x()[i]) : se.x()[i], xr));
                int y = TOP + ph - (int) Math.round(ph * frac(se.y()[i], yr));
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawLine(W - RIGHT + 10, TOP + 15 + s * 20, W - RIGHT + 30, TOP + 15 + s * 20);
            g.setColor(Color.BLACK);
            g.drawString(se.name(), W - RIGHT + 35, TOP + 20 + s * 20);
        }
        write(img, g, png);
    }

    /** A heat map of values in [0, 1] (rows top to bottom, columns left to right), each cell labelled in percent. */
    public static void heatMap(Path png, String title, String rowLabel, List<String> rows, String colLabel, List<String> cols,
            double[][] values) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        int pw = W - LEFT - 60;
        int ph = H - TOP - BOTTOM;
        int cw = pw / Math.max(1, cols.size());
        int rh = ph / Math.max(1, rows.size());
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                double v = values[r][c];
                int x = LEFT + c * cw;
                int y = TOP + r * rh;
                g.setColor(Double.isNaN(v) ? Color.WHITE : heat(v));
                g.fillRect(x, y, cw, rh);
                g.setColor(Color.WHITE);
                g.drawRect(x, y, cw, rh);
                g.setColor(Color.BLACK);
                if (!Double.isNaN(v)) {
                    g.drawString(Math.round(100 * v) + "%", x + cw / 2 - 12, y + rh / 2 + 5);
                }
            }
            g.drawString(rows.get(r), 10, TOP + r * rh + rh / 2 + 5);
        }
        for (int c = 0; c < cols.size(); c++) {
            g.drawString(cols.get(c), LEFT + c * cw + cw / 2 - 14, TOP + rows.size() * rh + 20);
        }
        g.drawString(colLabel, LEFT + pw / 2 - 30, H - 12);
        g.drawString(rowLabel, 10, TOP - 10);
        write(img, g, png);
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void write(BufferedImage img, Graphics2D g, Path png) throws IOException {
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    /** Red (0) through yellow to green (1). */
    private static Color heat(double v) {
        double t = Math.max(0, Math.min(1, v));
        int r = (int) Math.round(t < 0.5 ? 230 : 230 - (t - 0.5) * 2 * 150);
        int gr = (int) Math.round(t < 0.5 ? 80 + t * 2 * 150 : 230);
        return new Color(r, gr, 90);
    }

    private static double[] range(List<Series> series, boolean x, boolean log) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double v = x ? s.x()[i] : s.y()[i];
                if (!Double.isNaN(v) && (x || !Double.isNaN(s.y()[i]))) {
                    v = log ? log2(v) : v;
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
        double pad = x ? (hi - lo) * 0.05 : (hi - lo) * 0.08;
        return new double[] {lo - pad, hi + pad};
    }

    private static double[] distinctX(List<Series> series) {
        return series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).distinct().sorted().toArray();
    }

    private static double frac(double v, double[] r) {
        return (v - r[0]) / (r[1] - r[0]);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }
}
