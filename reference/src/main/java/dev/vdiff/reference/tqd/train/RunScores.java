package dev.vdiff.reference.tqd.train;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.RunSpec;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The quality scores of a training run's clips, kept as {@code RUN/scores.csv}: made once when the run starts
 * (from the user's CSV, or by scoring the training clips), read back on every start and resume, so that a fresh
 * and a resumed run use the same numbers.
 */
public final class RunScores {
    private RunScores() {}

    /** For a new run: the user's table or our scorers, written to {@code dir/scores.csv} and read back; null if not needed. */
    public static ClipScores prepare(Path dir, RunSpec run, VideoDataset data, Path userCsv, PrintStream log) throws IOException {
        TimestepSettings s = TimestepSettings.of(run);
        if (!s.needsScores()) return null;
        int n = trainingClips(run, data);
        List<String> names = ClipScores.names(data, n);
        ClipScores scores;
        if (userCsv != null) {
            scores = ClipScores.read(userCsv, names, s.normalization());
            log.printf("vdiff train: scores of %d training clips from %s%n", n, userCsv);
        } else {
            try (ProgressBar bar = bar(n, log)) {
                scores = ClipScores.score(data, n, s.normalization(), k -> bar.step());
            }
        }
        Files.createDirectories(dir);
        scores.write(dir.resolve(s.scores()), names);
        return load(dir, run, data);
    }

    /** For a resumed run (and after {@link #prepare}): {@code dir/scores.csv}; null if the run needs no scores. */
    public static ClipScores load(Path dir, RunSpec run, VideoDataset data) {
        TimestepSettings s = TimestepSettings.of(run);
        if (!s.needsScores()) return null;
        Path csv = dir.resolve(s.scores());
        if (!Files.isRegularFile(csv)) throw new UserError(dir + ": the run trains with quality scores but " + csv + " is missing");
        return ClipScores.read(csv, ClipScores.names(data, trainingClips(run, data)), s.normalization());
    }

    private static int trainingClips(RunSpec run, VideoDataset data) {
        return (int) Math.min(run.train().trainClips(), data.size());
    }

    private static ProgressBar bar(int n, PrintStream out) {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("score").setInitialMax(n).setUnit(" clips", 1);
        if (interactive) b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(250);
        else b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(out::println, 100)).setUpdateIntervalMillis(10_000);
        return b.build();
    }
}
