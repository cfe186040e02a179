package dev.vdiff.cli;

import dev.vdiff.reference.mcm.McmOps;
import dev.vdiff.reference.tpdiff.PyramidMethod;
import dev.vdiff.reference.tpdiff.TpdiffOps;
import dev.vdiff.reference.tqd.TqdOps;
import dev.vdiff.reference.tqd.train.TqdMethod;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboOps;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.ops.CoreOps;
import dev.vdiff.verification.ops.DistillationOps;

import java.nio.file.Path;
import java.util.List;

/**
 * The one place where the command line is assembled: every {@code vdiff} command, every
 * {@code vdiff experiment}, and the op families that {@code vdiff verify} checks. Nothing is discovered at run
 * time (no {@code META-INF/services}): what {@code vdiff} can do is this file.
 *
 * <p>Where a new paper plugs in ({@code docs/ARCHITECTURE.md}): its experiment command goes into
 * {@link #experiments()}, its oracle ops (an {@link OpFamily} in its package) into {@link #opFamilies()}, its
 * {@link TrainingMethod} into {@link #trainingMethods}, and its {@code vdiff train} options (which write the
 * method's section of {@code run.json}) into {@link TrainCommand}.
 */
public final class Catalog {
    private Catalog() {}

    /** The subcommands of {@code vdiff}, in the order {@code vdiff --help} lists them. */
    static List<CliCommand> commands() {
        return List.of(
            new InspectCommand(),
            new BenchCommand(),
            new TrainCommand(),
            new DistillCommand(),
            new RewardCommand(),
            new SampleCommand(),
            new RunsCommand(),
            new DemoCommand(),
            new ScoreCommand(),
            new TqdCommand(),
            new ExperimentCommand(),
            new VerifyCommand());
    }

    /** The subcommands of {@code vdiff experiment}: one per paper. */
    static List<Experiment> experiments() {
        return List.of(
            new TqdExperimentCommand(),
            new TpdiffExperimentCommand(),
            new TurboExperimentCommand(),
            new McmExperimentCommand());
    }

    /** The op families of {@code vdiff verify}: the core catalogue, then the papers' ops. */
    public static List<OpFamily> opFamilies() {
        return List.of(new CoreOps(), new DistillationOps(), new TqdOps(), new TpdiffOps(), new TurboOps(), new McmOps());
    }

    /**
     * The training methods that {@code vdiff train} configures and {@code vdiff sample} asks for a sampler, in
     * order; each acts only on runs that have its section of {@code run.json}.
     *
     * @param userScores TQD: the user's {@code --scores} table for a new run (null: score the clips)
     */
    static List<TrainingMethod> trainingMethods(Path userScores) {
        return List.of(
            new TqdMethod(userScores),
            new PyramidMethod(),
            new TurboMethod());
    }
}
