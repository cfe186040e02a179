package dev.vdiff.cli;

import java.util.concurrent.Callable;

/**
 * A {@code vdiff} subcommand: a picocli {@code @Command} class that returns an exit code.
 *
 * <p>Every subcommand is listed in {@link Catalog#commands()}.
 */
public interface CliCommand extends Callable<Integer> {
}
