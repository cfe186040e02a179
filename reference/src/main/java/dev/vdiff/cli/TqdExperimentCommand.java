package dev.vdiff.cli;

import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.tqd.experiment.ExperimentConfig;
import dev.vdiff.reference.tqd.experiment.ExperimentReport;
import dev.vdiff.reference.tqd.experiment.TqdExperiment;
import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vdiff experiment tqd [--quick] --out DIR}: uniform vs TQD timesteps on the paper's three data regimes at
 * small scale ({@link TqdExperiment}, in the paper's package); writes {@code DIR/metrics.json}, {@code DIR/report.md} and PNG charts.
 */
@Command(name = "tqd", mixinStandardHelpOptions = true, sortOptions = false,
    description = "TQD (timestep-aware quality decoupling) vs uniform timesteps on synthetic imbalanced-only, golden-only and all data: "
        + "held-out loss per timestep bucket and sample quality; writes DIR/metrics.json, DIR/report.md and charts.")
public final class TqdExperimentCommand implements Experiment {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty, or one an earlier vdiff experiment tqd wrote (its files are replaced; files it did not write are refused before any work)")
    Path out;
    @Option(names = "--quick", description = "the main (imbalanced-only) regime with one seed and 250 steps: under ten minutes on two cores")
    boolean quick;
    @Option(names = "--steps", description = "training steps per run (default: 500, --quick: 250)")
    Long steps;
    @Option(names = "--seeds", description = "seeds on the main regime (default: 2, --quick: 1)")
    Integer seeds;
    @Option(names = "--regimes", split = ",", description = "regimes to run, the first is the main one: imbalanced, golden, all (default: all three; --quick: imbalanced)")
    List<String> regimes;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--toy", hidden = true, description = "a seconds-long toy run (tests)")
    boolean toy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        ExperimentConfig cfg = toy ? ExperimentConfig.toy() : quick ? ExperimentConfig.quick() : ExperimentConfig.full();
        if (steps != null) {
            if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
            cfg = cfg.withSteps(steps);
        }
        if (seeds != null) {
            if (seeds < 1) throw new UserError("--seeds must be >= 1, got " + seeds);
            cfg = cfg.withSeeds(seeds, cfg.otherSeeds());
        }
        if (regimes != null) {
            for (String r : regimes) if (!ExperimentConfig.ALL_REGIMES.contains(r)) throw new UserError("--regimes: unknown regime '" + r + "' (expected imbalanced, golden or all)");
            cfg = cfg.withRegimes(regimes);
        }
        OutputFolder folder = OutputFolder.claim(out, TqdExperiment.COMMAND, TqdExperiment.OWNED);
        TqdExperiment.Result r;
        try {
            r = TqdExperiment.run(cfg, quick, out, System.err);
        } catch (TrainingDivergedException e) {
            throw new UserError(e.getMessage());
        }
        ExperimentReport.write(out, r);
        folder.finish();
        var o = spec.commandLine().getOut();
        o.print(ExperimentReport.summary(out, r));
        o.flush();
        return 0;
    }
}
