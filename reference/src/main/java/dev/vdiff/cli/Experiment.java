package dev.vdiff.cli;

import java.util.concurrent.Callable;

/**
 * A {@code vdiff experiment} subcommand: a picocli {@code @Command} class that returns an exit code, listed in
 * {@link Catalog#experiments()}. Convention: options {@code --quick} and {@code --out DIR};
 * writes {@code DIR/metrics.json}, PNG charts and {@code DIR/report.md} (atomically), with a progress bar.
 */
public interface Experiment extends Callable<Integer> {
}
