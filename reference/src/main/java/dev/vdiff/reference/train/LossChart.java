package dev.vdiff.reference.train;

import dev.vdiff.tensor.io.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training-loss curve as a PNG (XChart): every step's loss as a thin light line and its moving average
 * ({@link #smoothed}) as a bold one, log-scaled loss axis.
 *
 * <pre>{@code
 * LossChart.write(Path.of("out/loss.png"), trainer.losses(), "vdiff demo: training loss");
 * }</pre>
 */
public final class LossChart {
    private LossChart() {}

    /** Writes the chart (atomically); at least one loss is needed. */
    public static void write(Path file, List<Double> losses, String title) throws IOException {
        if (losses.isEmpty()) throw new IllegalArgumentException("LossChart: no losses to draw");
        System.setProperty("java.awt.headless", "true");
        int n = losses.size();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = losses.get(i);
        }
        int window = Math.max(1, n / 50);
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step").yAxisTitle("loss (MSE against the target)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(logarithmic(y));
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisDecimalPattern("#");          // 1021, not "1,021" (grouped labels ran into each other)
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        XYSeries raw = chart.addSeries("loss per step", x, y);
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineColor(new Color(120, 160, 220));
        raw.setLineWidth(0.8f);
        if (window > 1) {   // a 1-step average is the loss itself
            XYSeries avg = chart.addSeries(averageName(window), x, smoothed(y, window));
            avg.setMarker(SeriesMarkers.NONE);
            avg.setLineColor(new Color(200, 60, 40));
            avg.setLineWidth(2.2f);
        }
        // In memory, without ImageIO's disk cache: its stream closer registers a JVM shutdown hook, which fails when the
        // chart is drawn after Ctrl-C/SIGTERM (the run saves its checkpoint and chart while the JVM shuts down).
        javax.imageio.ImageIO.setUseCache(false);
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.writeFile(file, temp -> Files.write(temp, png));
    }

    /** Trailing moving average: {@code out[i] = mean(y[max(0, i-w+1) .. i])}. */
    public static double[] smoothed(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) sum -= y[i - window];
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /**
     * A logarithmic loss axis only when the losses are positive and span at least two decades: XChart's log axis
     * labels only powers of ten, so within one decade it shows no number and just over one it shows a single one
     * (seen on the demo's chart); a range of 100x always holds at least two labelled powers of ten.
     */
    static boolean logarithmic(double[] y) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double v : y) {
            if (!(v > 0) || Double.isInfinite(v)) return false;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi >= 100 * lo;
    }

    /** The legend of the moving average, or null when there is none ({@code window = 1}). */
    static String averageName(int window) {
        return window > 1 ? "moving average (" + window + " steps)" : null;
    }
}
