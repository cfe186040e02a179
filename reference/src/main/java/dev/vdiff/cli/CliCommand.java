package dev.vdiff.cli;

import java.util.concurrent.Callable;

/**
 * A {@code vdiff} subcommand: a picocli {@code @Command} class that returns an exit code.
 *
 * <p>Subcommands are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.vdiff.cli.CliCommand}), so a module that the command line does not depend on,
 * such as {@code verification}, can still contribute one ({@code verify}) when it is on the class path.
 */
public interface CliCommand extends Callable<Integer> {
}
