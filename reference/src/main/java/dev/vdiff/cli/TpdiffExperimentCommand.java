package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.tpdiff.experiment.TpdiffExperiment;
import dev.vdiff.reference.tpdiff.experiment.TpdiffExperimentConfig;
import dev.vdiff.reference.train.Objective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code vdiff experiment tpdiff [--quick] --out DIR}: trains one small video UNet vanilla and as a TPDiff temporal
 * pyramid, times training steps and sampling in alternation, measures sample quality, and writes
 * {@code DIR/metrics.json}, {@code DIR/report.md}, charts and GIFs ({@link TpdiffExperiment}).
 */
@Command(name = "tpdiff", mixinStandardHelpOptions = true, sortOptions = false,
    description = "TPDiff (SPEC §5): vanilla vs temporal-pyramid training and sampling of the same small video UNet, timed in alternation; "
        + "writes metrics.json, report.md, timings.png, loss.png and sample GIFs.")
public final class TpdiffExperimentCommand implements Experiment {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty, or one an earlier vdiff experiment tpdiff wrote (its files are deleted when the rerun starts; files it did not write are refused before any work)")
    Path out;
    @Option(names = "--quick", description = "a smaller run (about 4 minutes on 2 shared cores instead of 15-20)")
    boolean quick;
    @Option(names = "--objective", defaultValue = "flow", description = "diffusion form of both arms: flow (flow matching, the default), eps or v (DDIM/VP) (default: ${DEFAULT-VALUE})")
    String objective;
    @Option(names = "--steps", description = "training steps per arm (default: 500, --quick 100)")
    Long steps;
    @Option(names = "--seed", defaultValue = "0", description = "seed of both arms (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--toy", hidden = true, description = "a seconds-long toy run (tests)")
    boolean toy;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        ThreadsOption.apply(threads);
        Objective o = Objective.parse(objective);
        TpdiffExperimentConfig cfg = toy ? TpdiffExperimentConfig.toy(o) : quick ? TpdiffExperimentConfig.quick(o) : TpdiffExperimentConfig.full(o);
        if (steps != null) {
            if (steps <= cfg.timingWarmup()) throw new UserError("--steps must be > " + cfg.timingWarmup() + " (the timing warm-up), got " + steps);
            cfg = cfg.withSteps(steps);
        }
        cfg = cfg.withSeed(seed);
        TpdiffExperiment.run(cfg, out, System.err);
        return 0;
    }
}
