package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.parallel.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code vdiff} command line. Run it through the {@code ./vdiff} launcher at the repository root, which
 * builds the project when needed and passes the JVM flags.
 *
 * <p>Errors: bad flags print picocli's message and the usage (exit 2); a {@link UserError} (bad input, thrown by
 * library code anywhere) prints one line {@code vdiff CMD: error: ...} (exit 2); an I/O failure prints one line
 * and writes its stack trace to a file it names (exit 2); anything else, {@link IllegalArgumentException}
 * included, is a bug and prints its stack trace (exit 3). {@code VDIFF_DEBUG=1} prints stack traces for every error.
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

    /**
     * {@link UserError}: one line, exit 2. An I/O failure (a file that cannot be read or written): one line naming
     * it, exit 2, and the stack trace written to a file whose path the line gives. Anything else is a bug in vdiff:
     * the stack trace, exit 3. {@code VDIFF_DEBUG=1} prints every stack trace.
     */
    static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String who = cl.getCommandSpec().qualifiedName();   // e.g. "vdiff tqd plot"
        boolean debug = System.getenv("VDIFF_DEBUG") != null;
        if (e instanceof UserError) {
            err.println(who + ": error: " + e.getMessage());
            if (debug) e.printStackTrace(err);
            return 2;
        }
        if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            Path trace = writeTrace(e);
            err.println(who + ": error: " + describe(io) + (trace == null ? "" : " (stack trace in " + trace + ")"));
            if (debug) e.printStackTrace(err);
            return 2;
        }
        err.println(who + ": internal error (please report): " + e);
        e.printStackTrace(err);
        return 3;
    }

    /** An I/O exception as one line: the JDK's file exceptions carry only the path, so name what happened. */
    private static String describe(Throwable io) {
        if (io instanceof java.nio.file.NoSuchFileException f) return "no such file: " + f.getFile();
        if (io instanceof java.nio.file.AccessDeniedException f) return "permission denied: " + f.getFile();
        if (io instanceof java.nio.file.FileAlreadyExistsException f) return "already exists: " + f.getFile();
        if (io instanceof java.nio.file.NotDirectoryException f) return "not a folder: " + f.getFile();
        if (io instanceof java.nio.file.DirectoryNotEmptyException f) return "folder not empty: " + f.getFile();
        String m = io.getMessage();
        return m == null ? io.getClass().getSimpleName() : m;
    }

    /**
     * Writes {@code e}'s stack trace to a new file in the temporary folder, or in the folder the system property
     * {@code vdiff.traceDir} names (the build sets it to each module's {@code target/}, so that tests which provoke
     * I/O errors leave nothing behind in /tmp); null if even that fails.
     */
    private static Path writeTrace(Throwable e) {
        try {
            String dir = System.getProperty("vdiff.traceDir");
            Path f = dir == null ? Files.createTempFile("vdiff-error-", ".txt")
                    : Files.createTempFile(Files.createDirectories(Path.of(dir)), "vdiff-error-", ".txt");
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            Files.writeString(f, sw.toString());
            return f;
        } catch (java.io.IOException | RuntimeException again) {
            return null;
        }
    }

    public static void main(String[] args) {
        try {
            Parallel.checkProperties();   // -Dvdiff.threads, -Dvdiff.parallel.spinMicros: a typo is one line, exit 2
        } catch (IllegalArgumentException e) {
            System.err.println("vdiff: error: " + e.getMessage());
            System.exit(2);
        }
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
