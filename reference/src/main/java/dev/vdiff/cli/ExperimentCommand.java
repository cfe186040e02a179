package dev.vdiff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vdiff experiment NAME [--quick] --out DIR}: the papers' experiments at small scale, each writing
 * {@code DIR/metrics.json}, charts and {@code DIR/report.md}. The experiments themselves are the
 * {@link Experiment}s listed in {@link Catalog#experiments()}; each runs code of its paper's package.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Runs a paper's experiment at small scale and writes metrics.json, charts and report.md.")
public final class ExperimentCommand implements CliCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** This command with every registered experiment as a subcommand. */
    static CommandLine withExperiments(ExperimentCommand c) {
        CommandLine cl = new CommandLine(c);
        for (Experiment e : Catalog.experiments()) cl.addSubcommand(e);
        return cl;
    }
}
