package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.io.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The densities of TQD's timestep laws for several (MQ, VQ) pairs, laid out like the paper's Figure 5: one row
 * per {@code kappa_base}, columns for MQ > VQ (mass at large t), MQ = VQ (centred) and MQ < VQ (mass at small t);
 * a column appears only if some pair falls in it. Curves are the exact Beta densities ({@link TimestepLaw#density}),
 * drawn with XChart.
 *
 * <pre>{@code
 * TimestepPlot.write(Path.of("fig5.png"), List.of(new double[] {0.9, 0.1}, new double[] {0.5, 0.5}, new double[] {0.1, 0.9}),
 *     new double[] {4, 2}, 8);
 * }</pre>
 */
public final class TimestepPlot {
    /** Panel size in pixels. */
    static final int WIDTH = 480, HEIGHT = 360;
    /** Grid of t where densities are drawn (open interval: densities with a shape below 1 are infinite at the ends). */
    static final int POINTS = 400;
    /** The density axis stops here: a law with a shape below 1 has a pole at one end. */
    static final double MAX_DENSITY = 8;

    private static final Color[] COLORS = {new Color(200, 60, 40), new Color(40, 100, 200), new Color(40, 150, 70),
        new Color(150, 80, 170), new Color(220, 140, 30), new Color(90, 90, 90)};

    private TimestepPlot() {}

    /** The (t, density) points of one law's curve. */
    public static double[][] curve(TimestepLaw law) {
        double[] t = new double[POINTS], y = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            t[i] = (i + 0.5) / POINTS;
            y[i] = Math.min(law.density(t[i]), MAX_DENSITY);
        }
        return new double[][] {t, y};
    }

    /** Writes the figure as PNG; {@code pairs} are {@code {mq, vq}} in [0, 1]. */
    public static void write(java.nio.file.Path png, List<double[]> pairs, double[] kappaBases, double kappaMax) throws IOException {
        if (pairs.isEmpty()) throw new IllegalArgumentException("TimestepPlot: no (MQ, VQ) pairs to draw");
        if (kappaBases.length == 0) throw new IllegalArgumentException("TimestepPlot: no kappa_base to draw");
        System.setProperty("java.awt.headless", "true");
        String[] columnTitles = {"MQ > VQ: larger t", "MQ = VQ: centred", "MQ < VQ: smaller t"};
        List<List<double[]>> columns = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            List<double[]> in = new ArrayList<>();
            for (double[] p : pairs) if (column(p) == c) in.add(p);
            if (!in.isEmpty()) {
                columns.add(in);
                titles.add(columnTitles[c]);
            }
        }
        BufferedImage sheet = new BufferedImage(WIDTH * columns.size(), HEIGHT * kappaBases.length, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        for (int r = 0; r < kappaBases.length; r++) {
            TqdConfig config = new TqdConfig(kappaBases[r], kappaMax);
            for (int c = 0; c < columns.size(); c++) {
                XYChart chart = panel(String.format(Locale.ROOT, "kappa_base = %s, kappa_max = %s: %s", num(kappaBases[r]), num(kappaMax), titles.get(c)), columns.get(c), config);
                g.drawImage(BitmapEncoder.getBufferedImage(chart), c * WIDTH, r * HEIGHT, null);
            }
        }
        g.dispose();
        AtomicWrite.writeFile(png, temp -> {
            if (!ImageIO.write(sheet, "png", temp.toFile())) throw new IOException("no PNG writer");
        });
    }

    /** 0: m > v, 1: m = v, 2: m < v. */
    private static int column(double[] p) {
        return p[0] > p[1] ? 0 : p[0] == p[1] ? 1 : 2;
    }

    private static XYChart panel(String title, List<double[]> pairs, TqdConfig config) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("t (1 = noise)").yAxisTitle("density").build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideN);
        s.setChartTitleFont(s.getChartTitleFont().deriveFont(12f));
        s.setLegendFont(s.getLegendFont().deriveFont(10f));
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setYAxisMin(0.0);
        double top = 0;
        int k = 0;
        for (double[] p : pairs) {
            TimestepLaw law = TimestepLaw.of(p[0], p[1], config);
            double[][] xy = curve(law);
            for (double y : xy[1]) top = Math.max(top, y);
            String name = String.format(Locale.ROOT, "MQ %s, VQ %s: Beta(%s, %s)", num(p[0]), num(p[1]), num(law.alpha()), num(law.beta()));
            XYSeries series = chart.addSeries(name, xy[0], xy[1]);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(COLORS[k++ % COLORS.length]);
            series.setLineWidth(2f);
        }
        chart.getStyler().setYAxisMax(Math.max(1.5, Math.ceil(top * 1.3 * 2) / 2));   // room for the legend
        return chart;
    }

    /** At most 4 significant digits, no trailing zeros. */
    private static String num(double x) {
        String s = String.format(Locale.ROOT, "%.4g", x);
        if (s.contains("e")) return s;
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
