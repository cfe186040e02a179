package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.reference.mcm.McmDistillation;
import dev.vdiff.reference.train.LossChart;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The experiment's PNG charts (XChart): frame quality and motion against sampling steps, and the students' L_MCD. */
final class McmCharts {
    private McmCharts() {}

    static final Color[] ARM_COLOURS = {new Color(90, 120, 200), new Color(220, 110, 40), new Color(60, 160, 90), new Color(170, 80, 170), new Color(140, 140, 60)};
    static final Color TEACHER = Color.BLACK, CLEAN = new Color(30, 150, 150), DEGRADED = new Color(180, 60, 60);

    static void write(Path out, McmExperimentConfig cfg, McmExperiment.Result r) throws IOException {
        perSteps(out.resolve("quality.png"), cfg, r, "frame visual quality (VQ of each frame, higher is better)", "mean frame VQ", s -> s.frames().vq(), true);
        perSteps(out.resolve("motion.png"), cfg, r, "motion: mean absolute frame difference (luma), teacher's as reference", "mean |Y(k+1) - Y(k)|", McmExperiment.Scores::motion, false);
        losses(out.resolve("loss.png"), r);
    }

    private static void perSteps(Path file, McmExperimentConfig cfg, McmExperiment.Result r, String title, String yTitle, ToDoubleFunction<McmExperiment.Scores> f,
                                 boolean withData) throws IOException {
        XYChart chart = new XYChartBuilder().width(1200).height(560).title(title).xAxisTitle("student sampling steps (LCM multistep)").yAxisTitle(yTitle).build();
        style(chart);
        int[] steps = cfg.samplingSteps();
        double[] x = new double[steps.length];
        for (int i = 0; i < steps.length; i++) x[i] = steps[i];
        int k = 0;
        for (McmExperiment.ArmResult a : r.arms()) {
            double[] y = new double[steps.length];
            for (int i = 0; i < steps.length; i++) y[i] = f.applyAsDouble(a.bySteps().get(steps[i]));
            XYSeries s = chart.addSeries(a.arm().name(), x, y);
            s.setLineColor(ARM_COLOURS[k % ARM_COLOURS.length]);
            s.setMarkerColor(ARM_COLOURS[k++ % ARM_COLOURS.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2f);
        }
        Color[] teacherColours = {TEACHER, Color.GRAY, Color.LIGHT_GRAY};
        for (int i = 0; i < r.teachers().size(); i++) {
            McmExperiment.TeacherRow t = r.teachers().get(i);
            level(chart, String.format(java.util.Locale.ROOT, "teacher, eta %s", t.eta()), x, f.applyAsDouble(t.scores()), teacherColours[Math.min(i, 2)]);
        }
        if (withData) {
            level(chart, "clean images / clips", x, f.applyAsDouble(r.cleanData()), CLEAN);
            level(chart, "degraded training clips", x, f.applyAsDouble(r.degradedData()), DEGRADED);
        }
        png(file, chart);
    }

    private static void level(XYChart chart, String name, double[] x, double v, Color c) {
        double[] y = new double[x.length];
        java.util.Arrays.fill(y, v);
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(c);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void losses(Path file, McmExperiment.Result r) throws IOException {
        XYChart chart = new XYChartBuilder().width(1200).height(560).title("students' L_MCD (moving average; each in its own representation g)")
            .xAxisTitle("distillation step").yAxisTitle("L_MCD (pseudo-Huber)").build();
        style(chart);
        int k = 0;
        for (McmExperiment.ArmResult a : r.arms()) {
            List<McmDistillation.StepResult> log = a.log();
            int n = log.size();
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = log.get(i).lossMcd();
            double[] smooth = LossChart.smoothed(y, Math.max(1, n / 20));
            // The moving average at step 1 and every stride-th step. Not all steps: XChart puts the ticks of equally
            // spaced x values on data points (1, 17, 33, ... for 600 steps, labels crowded); step 1 before the
            // multiples of the stride (>= 2) makes the spacing unequal, so the axis gets round ticks (0, 50, 100, ...).
            int stride = Math.max(2, n / 200);
            int m = 1 + n / stride;
            double[] xs = new double[m], ys = new double[m];
            xs[0] = 1;
            ys[0] = smooth[0];
            for (int j = 1; j < m; j++) {
                xs[j] = j * stride;
                ys[j] = smooth[j * stride - 1];
            }
            XYSeries s = chart.addSeries(a.arm().name(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(ARM_COLOURS[k++ % ARM_COLOURS.length]);
            s.setLineWidth(2f);
        }
        png(file, chart);
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisDecimalPattern("0");
    }

    private static void png(Path file, Chart<?, ?> chart) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.writeFile(file, temp -> Files.write(temp, png));
    }
}
