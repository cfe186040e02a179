package dev.vdiff.cli;

import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Conditioning;
import dev.vdiff.reference.train.JsonFields;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.tensor.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code vdiff runs [DIR]}: the training runs in DIR (DIR itself if it is one, and its sub-folders, and a demo's
 * {@code run/}), one line each: how far it got, its recent loss, the time trained, its data, conditioning,
 * objective and network. Reads only run.json and the newest checkpoint's state.json.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Lists the training runs in a folder (default: the current one): step reached of the total, recent loss, time trained, data and options.")
public final class RunsCommand implements CliCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "a run folder, or a folder of runs (default: .)")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path root = dir == null ? Path.of(".") : dir;
        if (!Files.isDirectory(root)) throw new UserError(root + " is not a folder");
        List<Path> runs = new ArrayList<>();
        addIfRun(root, runs);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (!Files.isDirectory(p)) continue;
                addIfRun(p, runs);
                addIfRun(p.resolve("run"), runs);   // a demo's folder
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (runs.isEmpty()) {
            o.println("no training runs in " + root + " (a run is a folder with run.json, made by vdiff train --out)");
            o.flush();
            return 0;
        }
        for (Path r : runs) o.println(describe(r));
        o.flush();
        return 0;
    }

    private static void addIfRun(Path p, List<Path> runs) {
        if (Files.isRegularFile(p.resolve(RunSpec.FILE)) && !runs.contains(p)) runs.add(p);
    }

    /** {@code RUN  step 400/2000  loss 0.0812  trained 3.2 min  data synthetic 8x16x16  conditioning: ...  objective eps  F=8 ...}. */
    static String describe(Path run) {
        RunSpec spec;
        try {
            spec = RunSpec.read(run);
        } catch (IOException | IllegalArgumentException e) {
            return run + "  unreadable: " + e.getMessage();
        }
        String progress = "no checkpoint yet (resumes from step 0)";
        try {
            Optional<Path> latest = new Checkpoints(RunSpec.checkpointsDir(run), 1).latest();
            if (latest.isPresent()) {
                Map<String, Object> st = Checkpoints.readState(latest.get());
                long step = JsonFields.longOf(st, "step");
                double[] losses = JsonFields.doublesOf(st, "losses");
                int n = Math.min(50, losses.length);
                double mean = 0;
                for (int i = losses.length - n; i < losses.length; i++) mean += losses[i] / n;
                progress = String.format(Locale.ROOT, "step %d/%d%s  loss %.4f (last %d)  trained %.1f min", step, spec.train().steps(),
                    step >= spec.train().steps() ? " done" : "", mean, n, JsonFields.doubleOf(st, "elapsed_seconds") / 60);
            }
        } catch (IOException | IllegalArgumentException e) {
            progress = "checkpoint unreadable: " + e.getMessage();
        }
        var d = spec.data();
        String extra = String.join(",", spec.sections().keySet());
        return String.format(Locale.ROOT, "%s  %s  data %s %dx%dx%d  %s  objective %s  %s  batch %d lr %s%s", run, progress, d.source(), d.frames(), d.height(), d.width(),
            Conditioning.of(spec).describe().replaceFirst(";.*", ""), spec.objective().cliName, spec.model().describe(), spec.train().batchSize(),
            spec.train().lr(), extra.isEmpty() ? "" : "  sections " + extra);
    }
}
