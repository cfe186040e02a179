package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.reference.train.LossChart;
import dev.vdiff.tensor.io.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The experiment's PNG charts (XChart): held-out loss per timestep bucket, its TQD/uniform ratio, training loss curves. */
final class ExperimentCharts {
    static final String BUCKETS = "heldout_loss_by_bucket.png", RATIO = "heldout_loss_ratio.png", TRAINING = "training_loss.png";
    private static final Color UNIFORM = new Color(40, 100, 200), TQD = new Color(200, 60, 40);
    private static final Color[] REGIME = {new Color(200, 60, 40), new Color(40, 150, 70), new Color(150, 80, 170)};

    private ExperimentCharts() {}

    static void writeAll(Path out, TqdExperiment.Result r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] centres = centres(r.edges());
        TqdExperiment.RegimeResult main = r.regimes().get(0);

        XYChart b = chart("Held-out golden clips: loss per timestep bucket (" + main.name() + " training data, EMA weights)", "timestep t (bucket centre)", "loss (v-prediction MSE)");
        for (String arm : List.of(TqdExperiment.UNIFORM, TqdExperiment.TQD)) {
            Color c = arm.equals(TqdExperiment.UNIFORM) ? UNIFORM : TQD;
            for (ArmRun run : main.runs()) {
                if (!run.arm().equals(arm)) continue;
                XYSeries s = b.addSeries(arm + " seed " + run.seed(), centres, run.bucketLoss());
                s.setLineColor(c);
                s.setMarkerColor(c);
                s.setMarker(run.seed() == 0 ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
                if (run.seed() > 0) s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            }
        }
        b.getStyler().setYAxisDecimalPattern("0.000");   // linear: XChart's log axis prints no labels over this narrow a range
        write(out.resolve(BUCKETS), b);

        XYChart q = chart("Held-out loss, TQD / uniform per bucket (mean over seeds; below 1 = TQD better)", "timestep t (bucket centre)", "loss ratio");
        for (int i = 0; i < r.regimes().size(); i++) {
            TqdExperiment.RegimeResult reg = r.regimes().get(i);
            double[] u = ExperimentReport.meanBuckets(reg, TqdExperiment.UNIFORM), t = ExperimentReport.meanBuckets(reg, TqdExperiment.TQD);
            double[] ratio = new double[u.length];
            for (int k = 0; k < u.length; k++) ratio[k] = t[k] / u[k];
            XYSeries s = q.addSeries(reg.name(), centres, ratio);
            s.setLineColor(REGIME[i % REGIME.length]);
            s.setMarkerColor(REGIME[i % REGIME.length]);
        }
        XYSeries one = q.addSeries("equal", new double[] {0, centres[centres.length - 1] + centres[0]}, new double[] {1, 1});
        one.setLineColor(Color.GRAY);
        one.setMarker(SeriesMarkers.NONE);
        write(out.resolve(RATIO), q);

        XYChart l = chart("Training loss (" + main.name() + ", seed 0, moving average): each arm on its own timestep law", "step", "training loss");
        for (ArmRun run : main.runs()) {
            if (run.seed() != 0) continue;
            double[] x = new double[run.losses().size()], y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
                y[i] = run.losses().get(i);
            }
            XYSeries s = l.addSeries(run.arm(), x, LossChart.smoothed(y, Math.max(1, x.length / 25)));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(run.arm().equals(TqdExperiment.UNIFORM) ? UNIFORM : TQD);
        }
        l.getStyler().setYAxisDecimalPattern("0.000");
        write(out.resolve(TRAINING), l);
    }

    static double[] centres(int[] edges) {
        double[] c = new double[edges.length - 1];
        for (int k = 0; k < c.length; k++) c[k] = 0.5 * (edges[k] + edges[k + 1] - 1);
        return c;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
        return c;
    }

    private static void write(Path file, XYChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.writeFile(file, temp -> Files.write(temp, png));
    }
}
