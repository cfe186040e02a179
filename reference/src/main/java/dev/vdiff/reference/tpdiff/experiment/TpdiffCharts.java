package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.reference.bench.PairedTimes;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.tensor.io.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The experiment's two PNG charts (XChart): mean times of both arms, and both loss curves. */
final class TpdiffCharts {
    private TpdiffCharts() {}

    static final Color VANILLA = new Color(90, 120, 200), PYRAMID = new Color(220, 110, 40);

    /** Bars: mean training-step time and mean sampling time per video, vanilla next to pyramid, with the speed-ups in the title. */
    static void timings(Path file, PairedTimes train, PairedTimes sample) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500)
            .title(String.format(Locale.ROOT, "TPDiff vs vanilla: training %.2fx, inference %.2fx faster (interleaved means)", train.speedup(), sample.speedup()))
            .xAxisTitle("").yAxisTitle("milliseconds").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0");
        chart.getStyler().setSeriesColors(new Color[] {VANILLA, PYRAMID});
        List<String> what = List.of("training step", "sampling one video");
        chart.addSeries("vanilla (full frame rate)", what, List.of(train.vanillaMean(), sample.vanillaMean()));
        chart.addSeries("TPDiff pyramid", what, List.of(train.pyramidMean(), sample.pyramidMean()));
        png(file, chart);
    }

    /**
     * Both training losses (moving averages). They are different quantities: the pyramid's target is a stage's
     * velocity {@code x̂_s - x̂_e} (SPEC §5.3), shorter than the full path's {@code eps - x0}, so only each curve's
     * own trend is meaningful.
     */
    static void losses(Path file, List<Double> vanilla, List<Double> pyramid) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title("training loss (moving average; the two targets differ, see report)")
            .xAxisTitle("step").yAxisTitle("loss (MSE against the arm's own target)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(positive(vanilla) && positive(pyramid));
        series(chart, "vanilla", vanilla, VANILLA);
        series(chart, "TPDiff pyramid", pyramid, PYRAMID);
        png(file, chart);
    }

    private static void series(XYChart chart, String name, List<Double> losses, Color colour) {
        int n = losses.size();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = losses.get(i);
        }
        XYSeries s = chart.addSeries(name, x, LossChart.smoothed(y, Math.max(1, n / 30)));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
        s.setLineWidth(2f);
    }

    private static boolean positive(List<Double> l) {
        for (double v : l) if (!(v > 0)) return false;
        return true;
    }

    private static void png(Path file, Chart<?, ?> chart) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.writeFile(file, temp -> Files.write(temp, png));
    }
}
