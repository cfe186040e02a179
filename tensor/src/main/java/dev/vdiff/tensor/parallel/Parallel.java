package dev.vdiff.tensor.parallel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
     * A compute pool of a fixed number of threads: the thread-count setting of one run. Its {@code threads - 1}
     * compute threads are daemons named {@code vdiff-compute-N}, started by the first loop that fans out;
     * {@link #close} stops them.
     *
     * <p>Why not an executor: a training step runs thousands of small loops (a GroupNorm of ~0.4 ms, elementwise
     * ops), and a parked thread starts its first chunk 8-77 µs after being woken (measured by gn8, session 8),
     * so two threads gained nothing over one on such loops. Like OpenMP's threads, ours can therefore spin for a
     * short, bounded time ({@code -Dvdiff.parallel.spinMicros}) waiting for the next loop before they park, and
     * the caller spins as long waiting for the last chunk before it parks. The default is
     * {@value #DEFAULT_SPIN_MICROS} (park at once): on the quiet 2-core machine a 50 µs spin made GroupNorm
     * 1.2x faster but the train step 0.86-0.92x as fast (the spinning threads take the cores from the JIT and
     * GC threads; docs/PERFORMANCE.md, spin8). An idle pool costs at most the spin after each loop, then nothing.
     */
    public static final class Pool implements AutoCloseable {
        private final int threads;
        private final long spinNanos;
        private final Worker[] workers;   // empty for one thread: everything runs on the caller
        private volatile boolean started;
        private volatile boolean closed;
        /** The loops that may still have unclaimed chunks; several callers may share one pool. */
        private final ConcurrentLinkedQueue<Loop> loops = new ConcurrentLinkedQueue<>();
        /** Bumped after every loop is posted: what idle compute threads spin on. */
        private final AtomicLong posted = new AtomicLong();

        private Pool(int threads, long spinNanos) {
            this.threads = threads;
            this.spinNanos = spinNanos;
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) workers[i] = new Worker(this, i);
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

        /**
         * Stops the pool's threads; work already handed to it finishes first (a loop's caller runs every chunk
         * no compute thread has claimed, so a loop started after close still completes, on the caller alone).
         */
        @Override
        public void close() {
            synchronized (this) {   // with startOnce: threads started before close are woken to see it
                closed = true;
                if (!started) return;
            }
            for (Worker w : workers) LockSupport.unpark(w);
        }

        private void startOnce() {
            if (started) return;
            synchronized (this) {
                if (started || closed) return;
                for (Worker w : workers) w.start();
                started = true;
            }
        }

        /**
         * Runs {@code body} over {@code [0, n)} in chunks of {@code step} and waits for all. The chunks are
         * claimed in order from a shared counter by the caller and by up to {@code threads - 1} of this pool's
         * threads, so {@code threads} threads work on the loop, the caller never sleeps while chunks are left,
         * and when a helper is slow to start (a busy core) the caller takes its chunks. Who runs a chunk never
         * changes what it computes (see the class comment). While the caller runs a chunk it is marked as
         * inside a fanned-out loop, so loops nested in the chunk run inline there instead of fanning out again
         * (into this pool or a user's).
         */
        void runAll(int n, int step, Range body) {
            Loop loop = new Loop(n, step, body, Thread.currentThread());
            boolean shared = !closed;
            if (shared) {
                startOnce();
                loops.add(loop);
                posted.incrementAndGet();
                // Spinning threads see the new count; parked ones need a wake-up (only as many as can help).
                for (int h = Math.min(workers.length, loop.chunks - 1) - 1; h >= 0; h--) {
                    if (workers[h].sleeping) LockSupport.unpark(workers[h]);
                }
            }
            boolean[] inLoop = IN_LOOP.get();
            inLoop[0] = true;
            try {
                loop.claim();
            } finally {
                inLoop[0] = false;
            }
            if (shared) loops.remove(loop);   // every chunk is claimed: compute threads need not look at it
            loop.awaitDone(spinNanos);
            Throwable e = loop.failure.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }

        /** A compute thread's life: help every posted loop, spin briefly for the next, then park. */
        private void work(Worker me) {
            while (true) {
                long seen = posted.get();   // read before scanning: a loop posted during the scan bumps it
                for (Loop loop : loops) loop.claim();
                long until = System.nanoTime() + spinNanos;
                while (posted.get() == seen && !closed && spinNanos > 0 && System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                while (posted.get() == seen && !closed) {
                    me.sleeping = true;   // then re-check: a poster either sees this flag or we see its count
                    if (posted.get() == seen && !closed) LockSupport.park(this);
                    me.sleeping = false;
                    Thread.interrupted();   // a chunk's stray interrupt must not turn parking into spinning
                }
                if (closed && posted.get() == seen) return;
            }
        }
    }

    /** One fanned-out loop: its chunk counter, its completion count and its first failure. */
    private static final class Loop {
        final int n, step, chunks;
        final Range body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean callerParked;

        Loop(int n, int step, Range body, Thread caller) {
            this.n = n;
            this.step = step;
            this.chunks = (n + step - 1) / step;
            this.body = body;
            this.caller = caller;
        }

        /** Runs chunks claimed from the shared counter until none are left. */
        void claim() {
            for (int k; (k = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure.get() == null) body.run(k * step, Math.min(n, k * step + step));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == chunks && callerParked) LockSupport.unpark(caller);
                }
            }
        }

        /**
         * The caller waits for the chunks other threads still run: spins up to {@code spinNanos}, then parks.
         * An interrupt does not end the wait (the chunks write into the caller's arrays) but is kept.
         */
        void awaitDone(long spinNanos) {
            if (done.get() == chunks) return;
            long until = System.nanoTime() + spinNanos;
            while (done.get() < chunks && spinNanos > 0 && System.nanoTime() - until < 0) Thread.onSpinWait();
            boolean interrupted = false;
            while (done.get() < chunks) {
                callerParked = true;   // then re-check: the last chunk either sees this flag or we see its count
                if (done.get() < chunks) LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Default of {@code -Dvdiff.parallel.spinMicros}: how long idle compute threads and waiting callers spin. */
    static final int DEFAULT_SPIN_MICROS = 0;   // 50 µs measured slower on the train step (docs/PERFORMANCE.md, spin8)
    static final int MAX_SPIN_MICROS = 100_000;

    /**
     * Parses {@code -Dvdiff.parallel.spinMicros} (null or blank: the default) into nanoseconds; 0 parks at
     * once, as an executor would.
     */
    static long spinNanos(String value) {
        if (value == null || value.isBlank()) return DEFAULT_SPIN_MICROS * 1000L;
        try {
            int us = Integer.parseInt(value.trim());
            if (us >= 0 && us <= MAX_SPIN_MICROS) return us * 1000L;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-Dvdiff.parallel.spinMicros=" + value
            + " is not a whole number of microseconds from 0 to " + MAX_SPIN_MICROS);
    }

    /**
     * Checks the system properties the pools read ({@code -Dvdiff.threads}, {@code -Dvdiff.parallel.spinMicros}),
     * throwing {@link IllegalArgumentException} with one line naming the bad one: for a command line to call
     * before any work, so that a typo is a user error there instead of a failure inside the first loop.
     */
    public static void checkProperties() {
        defaultThreads();
        configuredSpinNanos();
    }

    private static long configuredSpinNanos() {
        return spinNanos(System.getProperty("vdiff.parallel.spinMicros"));
    }

    /** A pool whose threads spin {@code spinNanos} before parking (tests choose it; runs read the property). */
    static Pool open(int threads, long spinNanos) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        return new Pool(threads, spinNanos);
    }

    /** Set while a caller thread runs chunks of its own fanned-out loop (see {@link Pool#runAll}). */
    private static final ThreadLocal<boolean[]> IN_LOOP = ThreadLocal.withInitial(() -> new boolean[1]);

    /** True on a compute thread and on a caller running chunks of its loop: loops started here run inline. */
    private static boolean insideLoop() {
        return Thread.currentThread() instanceof Worker || IN_LOOP.get()[0];
    }

    /** A compute thread; being one is the marker for "already inside a fanned-out loop". */
    private static final class Worker extends Thread {
        final Pool owner;
        /** Set while parked (or about to park): a loop poster must unpark it. */
        volatile boolean sleeping;

        Worker(Pool owner, int index) {
            super(null, null, "vdiff-compute-" + index, 0);
            this.owner = owner;
            setDaemon(true);
        }

        @Override
        public void run() {
            owner.work(this);
        }
    }

    /** Opens a pool of {@code threads} compute threads for one run; close it when the run ends. */
    public static Pool open(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        return new Pool(threads, configuredSpinNanos());
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
            if (defaultPool == null) defaultPool = new Pool(defaultThreads(), configuredSpinNanos());
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
        defaultPool = new Pool(n, configuredSpinNanos());
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
