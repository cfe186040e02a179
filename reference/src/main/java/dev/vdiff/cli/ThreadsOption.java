package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.Parallel;

/** The {@code --threads N} option every long-running command shares: null keeps the default (all cores). */
public final class ThreadsOption {
    private ThreadsOption() {}

    /** Sets the compute pool to {@code threads}, or leaves it when null; fewer than 1 is a {@link UserError}. */
    public static void apply(Integer threads) {
        if (threads == null) return;
        if (threads < 1) throw new UserError("--threads must be >= 1, got " + threads);
        Parallel.setThreads(threads);
    }
}
