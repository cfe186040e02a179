package dev.vdiff.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one compute pool of vdiff. Hot loops split their outermost index range into chunks that run on it.
 *
 * <p>Determinism rule: a chunk only writes outputs that no other chunk writes, and every output element is
 * computed by the same sequential code whichever chunk it falls in. Reductions across chunks are done over
 * fixed-size blocks whose size does not depend on the thread count, then combined in block order. So the
 * thread count changes speed, never bits.
 *
 * <p>The pool size comes from {@code -Dvdiff.threads=N} or {@link #setThreads}; default: all processors.
 */
public final class Parallel {
    private Parallel() {}

    /** A loop body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private static int defaultThreads() {
        String p = System.getProperty("vdiff.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("-Dvdiff.threads=" + p + " is not a positive integer");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("vdiff-compute-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Number of compute threads. */
    public static int threads() {
        return pool.getParallelism();
    }

    /** Replaces the compute pool with one of {@code n} threads. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + n);
        if (n == pool.getParallelism()) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} indices.
     * Runs inline when the range is small, when there is one thread, or when already on a pool thread
     * (nested loops do not fan out twice).
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        int threads = pool.getParallelism();
        int g = Math.max(1, grain);
        if (threads == 1 || n <= g || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        // A few chunks per thread balance uneven work without making many tiny tasks.
        int chunks = Math.min((n + g - 1) / g, threads * 4);
        int step = (n + chunks - 1) / chunks;
        List<RecursiveAction> tasks = new ArrayList<>(chunks);
        for (int from = 0; from < n; from += step) {
            final int f = from, t = Math.min(n, from + step);
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(f, t);
                }
            });
        }
        pool.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                invokeAll(tasks);
            }
        });
    }
}
