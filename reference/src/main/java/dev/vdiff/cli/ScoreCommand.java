package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.reference.eval.DenseFlow;
import dev.vdiff.reference.tqd.score.ScoreTable;
import dev.vdiff.tensor.parallel.Parallel;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vdiff score}: the motion and visual quality of every video in a folder (TQD's MQ and VQ, SPEC §2.1;
 * our optical-flow and image-statistics stand-ins, see {@link dev.vdiff.reference.tqd.score.MotionQuality} and
 * {@link dev.vdiff.reference.eval.VisualQuality}), normalised to [0, 1] over the folder, as CSV
 * ({@link ScoreTable}: {@code path, mq_raw, vq_raw, mq, vq} and the raw components).
 *
 * <pre>
 * $ vdiff score --data videos --out scores.csv
 * score 100% [====================] 120/120 (0:00:09 / 0:00:00)
 * scored 118 of 120 videos in videos -> scores.csv (percentile normalisation, 16 frames of 64x64)
 * not scored (2): videos/broken.mp4 (unreadable: Invalid data found when processing input (avformat_open_input)); ...
 * </pre>
 *
 * <p>Each video is read like training data ({@link VideoFolder}: {@code --frames} frames every {@code --stride},
 * centre-cropped and resized to {@code --height x --width}); scores depend on that size (flow is in pixels per
 * frame). Files that cannot be read are listed by name and left out; none readable is an error.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores motion quality (MQ) and visual quality (VQ) of every video in a folder, for TQD; writes CSV.")
public final class ScoreCommand implements CliCommand {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "folder of videos (searched recursively)")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "output CSV")
    Path out;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "16", description = "frames per clip (>= 3); default ${DEFAULT-VALUE}")
    int frames;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1", description = "take every N-th frame; default ${DEFAULT-VALUE}")
    int stride;

    @Option(names = "--height", paramLabel = "H", defaultValue = "64", description = "scored height in pixels; default ${DEFAULT-VALUE}")
    int height;

    @Option(names = "--width", paramLabel = "W", defaultValue = "64", description = "scored width in pixels; default ${DEFAULT-VALUE}")
    int width;

    @Option(names = "--normalize", paramLabel = "HOW", defaultValue = "percentile",
        description = "percentile (clip to the 1st-99th percentiles, min-max) or rank (empirical CDF); default ${DEFAULT-VALUE}")
    String normalize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (frames < 3) throw new UserError("--frames must be at least 3 (motion coherence compares two consecutive flows), got " + frames);
        if (stride < 1) throw new UserError("--stride must be at least 1, got " + stride);
        if (height < 8 || width < 8) throw new UserError("--height and --width must be at least 8, got " + height + " and " + width);
        ScoreNormalization normalization;
        try {
            normalization = ScoreNormalization.parse(normalize);
        } catch (IllegalArgumentException e) {
            throw new UserError("--normalize: " + e.getMessage());
        }
        OutputCheck.file(out, "--out", "vdiff score", String.join(",", ScoreTable.COLUMNS));   // the whole header: a captions.csv also starts with "path,"
        PrintWriter err = spec.commandLine().getErr();
        List<String> notScored = new ArrayList<>();
        VideoFolder folder = VideoFolder.open(data, new VideoFolder.Options(frames, height, width, stride, null), msg -> { });
        for (VideoFolder.Skipped s : folder.skipped()) notScored.add(s.toString());
        DenseFlow.init();   // one clear error if OpenCV cannot load, before any work

        int n = (int) folder.size();
        ClipQuality[] quality = new ClipQuality[n];
        String[] failure = new String[n];
        try (ProgressBar bar = progressBar(n)) {
            Parallel.forRange(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    try {
                        quality[i] = ClipQuality.of(folder.clip(i).video());
                    } catch (UserError e) {
                        failure[i] = folder.files().get(i) + " (" + e.getMessage() + ")";
                    }
                    bar.step();
                }
            });
        }
        List<String> paths = new ArrayList<>();
        List<ClipQuality> scored = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (quality[i] == null) {
                notScored.add(failure[i]);
                continue;
            }
            paths.add(dev.vdiff.reference.data.FolderPaths.relative(folder.dir(), folder.files().get(i)));
            scored.add(quality[i]);
        }
        if (scored.isEmpty()) throw new UserError("no video in " + data + " could be scored: " + String.join("; ", notScored));
        ScoreTable.write(out, ScoreTable.normalised(paths, scored, normalization));

        PrintWriter o = spec.commandLine().getOut();
        o.println("scored " + scored.size() + " of " + (n + folder.skipped().size()) + " videos in " + data + " -> " + out + " ("
            + normalization.cliName + " normalisation, " + frames + " frames of " + height + "x" + width + ")");
        for (var e : folder.shortClips().entrySet()) {
            err.println("vdiff score: warning: " + e.getKey() + " has only " + e.getValue() + " frame(s); its last frame is repeated to make the " + frames
                + " scored frames (repeated frames have no motion), give --frames " + Math.max(3, e.getValue()) + " or less to score it as it is");
        }
        if (!notScored.isEmpty()) {   // on standard error only: standard output says what was written
            err.println("vdiff score: warning: not scored (" + notScored.size() + "): " + String.join("; ", notScored));
            err.flush();
        }
        o.flush();
        return 0;
    }

    /** A redrawing bar on a terminal, else a line every 10 seconds on standard error. */
    private ProgressBar progressBar(int n) {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("score").setInitialMax(n).setUnit(" clips", 1);
        if (interactive) {
            b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250);
        } else {
            PrintWriter err = spec.commandLine().getErr();
            b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(
                dev.vdiff.reference.train.TrainProgress.onceper(line -> { err.println(line); err.flush(); }, "clips"), 100)).setUpdateIntervalMillis(10_000);
        }
        return b.build();
    }
}
