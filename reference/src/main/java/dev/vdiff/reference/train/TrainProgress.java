package dev.vdiff.reference.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A progress bar for a training run (me.tongfei progressbar): steps done, rate (steps/s), elapsed time and ETA,
 * and the recent mean loss. On a terminal it redraws in place; otherwise (a log file, CI) it prints one line
 * every {@code logEverySeconds}.
 *
 * <pre>
 * train  45% [=========           ]  900/2000 (0:02:10 / 0:02:40) 6.9 steps/s loss 0.0812 lr 2.0e-04
 * </pre>
 */
public final class TrainProgress implements Trainer.Listener, AutoCloseable {
    private final ProgressBar bar;
    private final double[] recent = new double[50];
    private int seen;

    /**
     * @param start steps already done (a resumed run), {@code total} the step count at the end
     * @param elapsedBefore time spent on the steps already done (so the rate and ETA stay meaningful)
     */
    public TrainProgress(String task, PrintStream out, long start, long total, Duration elapsedBefore, int logEverySeconds) {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(start, elapsedBefore)
            .setUnit(" steps", 1).showSpeed(new java.text.DecimalFormat("0.0")).setSpeedUnit(ChronoUnit.SECONDS);
        if (interactive) {
            b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(250);
        } else {
            b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(onceper(out), 120)).setUpdateIntervalMillis(logEverySeconds * 1000);
        }
        bar = b.build();
    }

    /**
     * A line consumer that drops a line reporting the same step count as the line before: the progress bar redraws
     * once more when it is closed, which in a log printed the last line twice.
     */
    static java.util.function.Consumer<String> onceper(PrintStream out) {
        return onceper(out::println, "steps");
    }

    /** {@link #onceper(PrintStream)} for a bar counting in {@code unit} ("steps", "clips"), writing to {@code out}. */
    public static java.util.function.Consumer<String> onceper(java.util.function.Consumer<String> out, String unit) {
        java.util.regex.Pattern count = java.util.regex.Pattern.compile(" (\\d+)/(\\d+) " + java.util.regex.Pattern.quote(unit));
        String[] last = {null};
        return line -> {
            java.util.regex.Matcher m = count.matcher(line);
            String key = m.find() ? m.group() : null;
            if (key != null && key.equals(last[0])) return;
            last[0] = key;
            out.accept(line);
        };
    }

    @Override
    public void onStep(Trainer.StepResult r) {
        recent[seen++ % recent.length] = r.loss();
        double mean = 0;
        int n = Math.min(seen, recent.length);
        for (int i = 0; i < n; i++) mean += recent[i];
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.1e", mean / n, r.lr()));
        bar.stepTo(r.step());
    }

    @Override
    public void close() {
        bar.close();
    }
}
