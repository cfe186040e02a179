package dev.vdiff.reference.train;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C (SIGINT) and SIGTERM during training: instead of dying between two checkpoints, the run finishes the
 * step it is in, saves a checkpoint and ends. A JVM shutdown hook (what both signals start) sets the flag that
 * {@link Trainer#run(long, Checkpoints, Trainer.Listener, BooleanSupplier)} polls after every step, then waits
 * (at most {@code graceSeconds}) until the training code calls {@link #close()}, i.e. until the checkpoint is on
 * disk; the JVM then exits with the signal's status (130 or 143).
 *
 * <pre>{@code
 * try (StopOnSignal stop = new StopOnSignal(System.err, 600)) {
 *     trainer.run(steps, checkpoints, progress, stop);
 * }
 * }</pre>
 */
public final class StopOnSignal implements BooleanSupplier, AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    public StopOnSignal(PrintStream log, long graceSeconds) {
        hook = new Thread(() -> {
            requested.set(true);
            log.println();
            log.println("vdiff: stop requested: finishing the current step and saving a checkpoint ...");
            log.flush();
            try {
                finished.await(graceSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vdiff-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a stop was requested (the trainer's stop condition). */
    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    /** Lets a waiting shutdown proceed (the checkpoint is written) and removes the hook when no shutdown is under way. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and now returns
        }
    }
}
