package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code vdiff} command line. Run it through the {@code ./vdiff} launcher at the repository root, which
 * builds the project when needed and passes the JVM flags.
 *
 * <p>Errors: bad flags print picocli's message and the usage (exit 2); {@link UserError} and
 * {@link IllegalArgumentException} print one line {@code vdiff: error: ...} (exit 2); anything else is a bug
 * and prints its stack trace (exit 3). {@code VDIFF_DEBUG=1} prints stack traces for every error.
 */
@Command(name = "vdiff", mixinStandardHelpOptions = true, versionProvider = Vdiff.Version.class,
    description = "Reference implementation of video-diffusion training on the JVM.")
public final class Vdiff implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Vdiff());
        for (CliCommand c : Catalog.commands()) {
            if (c instanceof ExperimentCommand e) cl.addSubcommand(ExperimentCommand.withExperiments(e));
            else cl.addSubcommand(c);
        }
        cl.setExecutionExceptionHandler(Vdiff::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = System.getenv("VDIFF_DEBUG") != null;
        if (e instanceof UserError || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            err.println(cl.getCommandSpec().qualifiedName() + ": error: " + e.getMessage());   // e.g. "vdiff tqd plot: error: ..."
            if (debug) e.printStackTrace(err);
            return 2;
        }
        err.println("vdiff " + cl.getCommandName() + ": internal error (please report): " + e);
        e.printStackTrace(err);
        return 3;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest, or "dev" when running from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Vdiff.class.getPackage().getImplementationVersion();
            return new String[] {"vdiff " + (v == null ? "0.1.0-dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
