package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vdiff tqd ...}: tools for TQD's timestep laws (SPEC §2): {@code timesteps} draws samples to a file,
 * {@code plot} draws the densities (the paper's Figure 5).
 */
@Command(name = "tqd", mixinStandardHelpOptions = true,
    subcommands = {TqdTimestepsCommand.class, TqdPlotCommand.class},
    description = "TQD (Timestep-aware Quality Decoupling) timestep laws: draw samples, plot densities.")
public final class TqdCommand implements CliCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Throws a {@link UserError} naming {@code flag} unless {@code q} is a normalised score in [0, 1]. */
    static double score(String flag, double q) {
        if (!(q >= 0 && q <= 1)) throw new UserError(flag + " must be a normalised score in [0, 1], got " + q);
        return q;
    }

    /** The config from {@code --kappa-base} and {@code --kappa-max}, with errors naming the flags. */
    static dev.vdiff.reference.tqd.TqdConfig config(double kappaBase, double kappaMax) {
        if (!(kappaBase > 0) || Double.isInfinite(kappaBase)) throw new UserError("--kappa-base must be a finite number > 0, got " + kappaBase);
        if (!(kappaMax >= kappaBase) || Double.isInfinite(kappaMax)) throw new UserError("--kappa-max must be finite and >= --kappa-base (" + kappaBase + "), got " + kappaMax);
        return new dev.vdiff.reference.tqd.TqdConfig(kappaBase, kappaMax);
    }
}
