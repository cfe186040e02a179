package dev.vdiff.tensor.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * vdiff's compute pools. Hot loops split their outermost index range into chunks that run on the pool of the
 * run they are called from.
 *
 * <p>A <em>run</em> (a command, an experiment, a test) chooses its thread count explicitly by opening a
 * {@link Pool} and running its work in it:
 * <pre>{@code
 * try (Parallel.Pool pool = Parallel.open(2)) {
 *     Tensor y = pool.call(() -> model.forward(x));   // every hot loop inside fans out over 2 threads
 * }
 * }</pre>
 * Hot loops stay static methods over primitive arrays: {@link #forRange} finds the pool from the calling
 * thread (the pool whose {@code run}/{@code call} is on its stack), so two runs with different thread counts
 * can share one JVM without seeing each other. Work outside any run uses the process default pool
 * ({@code -Dvdiff.threads=N}, else all processors; {@link #setThreads} replaces it, for commands that set
 * the count once for the whole process).
 *
 * <p>A loop's chunks run on the calling thread and on the run's compute threads (the caller works instead of
 * waiting). Nested loops do not fan out twice: a loop called from a chunk runs inline. That is decided by our
 * own markers (the thread is a vdiff worker, or a caller inside its loop), not by "any fork-join pool", so an
 * op called from a user's parallel stream still fans out.
 *
 * <p>Determinism rule: a chunk only writes outputs that no other chunk writes, and every output element is
 * computed by the same sequential code whichever chunk it falls in. Reductions across chunks are done over
 * fixed-size blocks whose size does not depend on the thread count, then combined in block order. So the
 * thread count changes speed, never bits.
 */
public final class Parallel {
    private Parallel() {}

    /** A loop body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** The pool of the run whose work the calling thread is doing (set by {@link Pool#call}). */
    private static final ThreadLocal<Pool> CURRENT = new ThreadLocal<>();

    private static volatile Pool defaultPool;

    /**
     * A compute pool of a fixed number of threads: the thread-count setting of one run. Its threads are
     * daemons named {@code vdiff-compute-N}; {@link #close} stops them.
     */
    public static final class Pool implements AutoCloseable {
        private final int threads;
        private final ForkJoinPool pool;   // null for one thread: everything runs on the caller
        private final AtomicInteger workers = new AtomicInteger();

        private Pool(int threads) {
            this.threads = threads;
            this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> new Worker(p, this), null, false);
        }

        /** The number of compute threads of this run. */
        public int threads() {
            return threads;
        }

        /** Runs {@code work} on the calling thread with this pool as the pool of every hot loop it calls. */
        public void run(Runnable work) {
            call(() -> {
                work.run();
                return null;
            });
        }

        /** {@link #run} for work that returns a value. */
        public <T> T call(Supplier<T> work) {
            Pool before = CURRENT.get();
            CURRENT.set(this);
            try {
                return work.get();
            } finally {
                if (before == null) CURRENT.remove();
                else CURRENT.set(before);
            }
        }

        /** Stops the pool's threads; work already handed to it finishes first. */
        @Override
        public void close() {
            if (pool != null) pool.shutdown();
        }

        /**
         * Runs {@code body} over {@code [0, n)} in chunks of {@code step} and waits for all. The chunks are
         * claimed in order from a shared counter by the caller and by up to {@code threads - 1} of this pool's
         * threads, so {@code threads} threads work on the loop, the caller never sleeps while chunks are left
         * (one thread wake-up per loop instead of two), and when a helper is slow to start (a busy core) the
         * caller takes its chunks. Who runs a chunk never changes what it computes (see the class comment).
         * While the caller runs a chunk it is marked as inside a fanned-out loop, so loops nested in the chunk
         * run inline there instead of fanning out again (into this pool or a user's).
         */
        void runAll(int n, int step, Range body) {
            int chunks = (n + step - 1) / step;
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(chunks);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Runnable claim = () -> {
                for (int k; (k = next.getAndIncrement()) < chunks; ) {
                    try {
                        if (failure.get() == null) body.run(k * step, Math.min(n, k * step + step));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }
            };
            for (int h = Math.min(threads - 1, chunks - 1); h > 0; h--) pool.execute(claim);
            boolean[] inLoop = IN_LOOP.get();
            inLoop[0] = true;
            try {
                claim.run();
            } finally {
                inLoop[0] = false;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // the chunks write into the caller's arrays: wait for them regardless
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }

    /** Set while a caller thread runs chunks of its own fanned-out loop (see {@link Pool#runAll}). */
    private static final ThreadLocal<boolean[]> IN_LOOP = ThreadLocal.withInitial(() -> new boolean[1]);

    /** True on a compute thread and on a caller running chunks of its loop: loops started here run inline. */
    private static boolean insideLoop() {
        return Thread.currentThread() instanceof Worker || IN_LOOP.get()[0];
    }

    /** A compute thread; being one is the marker for "already inside a fanned-out loop". */
    private static final class Worker extends ForkJoinWorkerThread {
        final Pool owner;

        Worker(ForkJoinPool p, Pool owner) {
            super(p);
            this.owner = owner;
            setName("vdiff-compute-" + owner.workers.getAndIncrement());
            setDaemon(true);
        }
    }

    /** Opens a pool of {@code threads} compute threads for one run; close it when the run ends. */
    public static Pool open(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        return new Pool(threads);
    }

    /**
     * Runs {@code work} with {@code threads} compute threads and closes the pool afterwards: a run in one call,
     * e.g. for tests that compare thread counts.
     */
    public static <T> T withThreads(int threads, Supplier<T> work) {
        try (Pool pool = open(threads)) {
            return pool.call(work);
        }
    }

    /**
     * The pool hot loops called from this thread use: the run it works for (the thread is inside
     * {@link Pool#call}, or is one of that pool's compute threads), else the process default.
     */
    public static Pool current() {
        if (Thread.currentThread() instanceof Worker w) return w.owner;
        Pool p = CURRENT.get();
        return p != null ? p : defaultPool();
    }

    /** Number of compute threads of the current run (see {@link #current}). */
    public static int threads() {
        return current().threads;
    }

    /**
     * How many threads a loop started here would fan out over: 1 on a compute thread or inside a chunk
     * (nested loops run inline), else the current run's thread count. For kernels that choose a tiling (never the bits) by it.
     */
    public static int threadsHere() {
        return insideLoop() ? 1 : threads();
    }

    private static Pool defaultPool() {
        Pool p = defaultPool;
        if (p != null) return p;
        synchronized (Parallel.class) {
            if (defaultPool == null) defaultPool = new Pool(defaultThreads());
            return defaultPool;
        }
    }

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

    /**
     * Replaces the process default pool (used by work outside any {@link Pool#call}) with one of {@code n}
     * threads. For commands that set the thread count once for the whole process; code that may share the
     * JVM with other runs opens its own pool instead.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + n);
        Pool old = defaultPool();
        if (n == old.threads) return;
        defaultPool = new Pool(n);
        old.close();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} indices, on the current
     * run's pool. Runs inline when the range is small, when the run has one thread, or when already on a
     * compute thread or inside a chunk (nested loops do not fan out twice).
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        if (insideLoop()) {
            body.run(0, n);
            return;
        }
        Pool pool = current();
        int threads = pool.threads;
        int g = Math.max(1, grain);
        if (threads == 1 || n <= g) {
            body.run(0, n);
            return;
        }
        // A few chunks per thread balance uneven work without making many tiny tasks.
        int chunks = Math.min((n + g - 1) / g, threads * 4);
        int step = (n + chunks - 1) / chunks;
        pool.runAll(n, step, body);
    }
}
