package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.demo.Demo;
import dev.vdiff.reference.demo.DemoConfig;
import dev.vdiff.reference.demo.DemoRecipe;
import dev.vdiff.reference.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code vdiff demo --out DIR}: trains a small video diffusion model on the built-in synthetic data, samples
 * videos of every class and writes {@code DIR/report.md}, the videos, a loss chart and {@code DIR/metrics.json}
 * (see {@link Demo}). About five to seven minutes on two cores; {@code --quick} is a one-minute smoke run.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Trains a small video diffusion model on built-in synthetic moving shapes (CPU, no data needed), samples "
        + "videos of every class, and writes DIR/report.md, GIF/MP4/PNG samples, loss.png and metrics.json.")
public final class DemoCommand implements CliCommand {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty, or one an earlier demo wrote (that demo's files are replaced, files it did not write are refused before any work; marker .vdiff-output)")
    Path out;
    @Option(names = "--quick", description = "a tiny one-minute run of the same pipeline (smoke test; the samples are not meant to look good)")
    boolean quick;
    @Option(names = "--steps", description = "training steps (default: 2000, or fewer when the time budget is spent first; --quick: 60)")
    Long steps;
    @Option(names = "--max-train-minutes", description = "stop training early after this many minutes, 0 = never (default: 6; --quick: 0)")
    Double maxTrainMinutes;
    @Option(names = "--recipe", paramLabel = "NAME", description = "a training recipe of docs/demo/RECIPE.md: v1 (the November 2026 one), zero-snr, zero-snr-eta1, "
        + "zero-snr-min-snr, zero-snr-lr2, v1-eta1, cosine, cosine-lr2, cosine-lr4, noisy-tail, batch8, cosine-lr2-tail, narrow-cosine-lr2, "
        + "temporal0-48, temporal0-32, ema995, no-ema, cosine-lr2-min-snr, cosine-lr2-ema995, cosine-lr4-min-snr, cosine-lr2-min-snr-cfg3 "
        + "(default: the demo's, zero-snr-eta1); to compare recipes at a fixed number of steps add --steps N --max-train-minutes 0")
    String recipe;
    @Option(names = "--condition", defaultValue = "classes", paramLabel = "classes|captions", description = "what the model is conditioned on: "
        + "classes (default: the 5 class labels) or captions (the clips' captions through a text encoder and cross-attention; shape x direction "
        + "pairs circle:left, triangle:up, cross:down, ring:right are held out of training, and the report measures whether the samples follow "
        + "seen and held-out captions)")
    String condition;
    @Option(names = "--seed", defaultValue = "0", description = "training seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--backend", defaultValue = "jvm", paramLabel = "jvm|tornado", description = BackendOption.DESCRIPTION)
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        var device = BackendOption.device(backend);
        if (steps != null && steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError("--out " + out + " is a file, not a folder");
        DemoConfig cfg = quick ? DemoConfig.quick() : DemoConfig.full();
        if (recipe != null) {
            DemoRecipe r;
            try {
                r = DemoRecipe.parse(recipe);
            } catch (IllegalArgumentException e) {
                throw new UserError("--recipe: " + e.getMessage());
            }
            if (quick) throw new UserError("--recipe applies to the full demo, not to --quick");
            cfg = cfg.withRecipe(r);
        }
        String c = condition.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("classes") && !c.equals("captions")) throw new UserError("--condition must be classes or captions, got " + condition);
        if (c.equals("captions")) cfg = cfg.withCaptions(DemoConfig.HELD_OUT);
        cfg = cfg.withSeed(seed);
        if (steps != null) cfg = cfg.withSteps(steps);
        if (maxTrainMinutes != null) {
            if (!(maxTrainMinutes >= 0)) throw new UserError("--max-train-minutes must be >= 0, got " + maxTrainMinutes);
            cfg = cfg.withMaxTrainSeconds(maxTrainMinutes * 60);
        }
        Demo.Result r;
        try {
            r = Demo.run(cfg, device, out, System.err);
        } catch (TrainingDivergedException e) {
            throw new UserError(e.getMessage());
        }
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s%n  trained %.3f  untrained %.3f  data %.3f  (frechet clip-feature distance, lower is better)%n",
            r.report(), r.trained(), r.untrained(), r.data());
        o.flush();
        return 0;
    }
}
