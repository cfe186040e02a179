package dev.vdiff.reference.tpdiff.experiment;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;

/** A progress bar over generated videos (rate and ETA), redrawn in place on a terminal, one line every 15 s otherwise. */
final class SampleProgress implements AutoCloseable {
    private final ProgressBar bar;

    SampleProgress(String task, PrintStream out, long total) {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" videos", 1)
            .showSpeed(new java.text.DecimalFormat("0.00")).setSpeedUnit(ChronoUnit.SECONDS);
        if (interactive) b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(250);
        else b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(out::println, 120)).setUpdateIntervalMillis(15_000);
        bar = b.build();
    }

    void stepBy(long n) {
        bar.stepBy(n);
    }

    @Override
    public void close() {
        bar.close();
    }
}
