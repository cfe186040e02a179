package dev.vdiff.tensor.parallel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compute threads spin briefly for the next loop, then park ({@code -Dvdiff.parallel.spinMicros}): a loop
 * after any idle time completes on the caller and a compute thread, idle threads cost no CPU, close stops them.
 */
class ParallelSpinTest {
    /** 0: park at once; 50 µs: the default; 20 ms: loops posted while the threads still spin. */
    private static final long[] SPINS = {0, 50_000, 20_000_000};

    /**
     * Runs a loop of {@code n} chunks and returns the threads that ran them. Every chunk waits (at most 10 s)
     * until a second thread has taken one, so the loop must have woken a compute thread to finish early.
     */
    private static Set<Thread> loopThreads(int n, AtomicIntegerArray runs) {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) runs.incrementAndGet(i);
            seen.add(Thread.currentThread());
            long until = System.nanoTime() + 10_000_000_000L;
            while (seen.size() < 2 && System.nanoTime() < until) Thread.onSpinWait();
        });
        return seen;
    }

    private static void assertEveryIndexRanOnce(AtomicIntegerArray runs) {
        for (int i = 0; i < runs.length(); i++) assertEquals(1, runs.get(i), "index " + i);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aLoopAfterIdleTimeCompletesOnTheCallerAndAComputeThread(int spin) throws Exception {
        try (Parallel.Pool pool = Parallel.open(2, SPINS[spin])) {
            for (long idleMillis : new long[] {0, 1, 60, 0}) {
                Thread.sleep(idleMillis);   // past every spin: the compute thread has parked
                AtomicIntegerArray runs = new AtomicIntegerArray(37);
                Set<Thread> threads = pool.call(() -> loopThreads(37, runs));
                assertEveryIndexRanOnce(runs);
                assertEquals(2, threads.size(), "after " + idleMillis + " ms idle: " + threads);
                assertTrue(threads.contains(Thread.currentThread()), "the caller works too");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aChunkFailingOnAComputeThreadFailsTheLoopAndThePoolGoesOn(int spin) throws Exception {
        Thread caller = Thread.currentThread();
        try (Parallel.Pool pool = Parallel.open(3, SPINS[spin])) {
            Thread.sleep(5);
            AtomicBoolean failed = new AtomicBoolean();
            var e = assertThrows(IllegalStateException.class, () -> pool.run(() -> Parallel.forRange(64, 1, (lo, hi) -> {
                if (Thread.currentThread() != caller) {
                    failed.set(true);
                    throw new IllegalStateException("chunk on a compute thread failed");
                }
                long until = System.nanoTime() + 10_000_000_000L;
                while (!failed.get() && System.nanoTime() < until) Thread.onSpinWait();   // until a compute thread fails
            })));
            assertEquals("chunk on a compute thread failed", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            Set<Thread> after = pool.call(() -> loopThreads(16, runs));
            assertTrue(after.size() >= 2, "the pool still fans out: " + after);   // the caller need not get a chunk
            assertEveryIndexRanOnce(runs);
        }
    }

    @Test
    void loopsNestedInChunksRunInlineWithEverySpin() {
        for (long spinNanos : SPINS) {
            try (Parallel.Pool pool = Parallel.open(2, spinNanos)) {
                Set<String> mismatches = ConcurrentHashMap.newKeySet();
                pool.run(() -> Parallel.forRange(8, 1, (lo, hi) -> {
                    Thread me = Thread.currentThread();
                    Parallel.forRange(16, 1, (a, b) -> {
                        if (Thread.currentThread() != me) mismatches.add("inner chunk left " + me.getName());
                    });
                }));
                assertTrue(mismatches.isEmpty(), mismatches.toString());
            }
        }
    }

    @Test
    void closeStopsIdleComputeThreadsAndLaterLoopsRunOnTheCaller() throws Exception {
        Parallel.Pool pool = Parallel.open(3, SPINS[1]);
        AtomicIntegerArray runs = new AtomicIntegerArray(24);
        Set<Thread> threads = pool.call(() -> loopThreads(24, runs));
        Thread.sleep(20);
        pool.close();
        for (Thread t : threads) {
            if (t == Thread.currentThread()) continue;
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " still runs after close");
            assertTrue(t.isDaemon(), t.getName() + " is a daemon");
        }
        Set<Thread> after = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray again = new AtomicIntegerArray(24);
        pool.run(() -> Parallel.forRange(24, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) again.incrementAndGet(i);
            after.add(Thread.currentThread());
        }));
        assertEveryIndexRanOnce(again);
        assertEquals(Set.of(Thread.currentThread()), after, "a loop after close runs on its caller");
    }

    @Test
    void idleComputeThreadsBurnNoCpuEvenAfterAChunkInterruptedItself() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Parallel.Pool pool = Parallel.open(2, SPINS[1])) {
            Set<Thread> threads = pool.call(() -> loopThreads(8, new AtomicIntegerArray(8)));
            Thread caller = Thread.currentThread();
            pool.run(() -> Parallel.forRange(8, 1, (lo, hi) -> {
                if (Thread.currentThread() != caller) Thread.currentThread().interrupt();
            }));
            Thread.sleep(20);
            for (Thread t : threads) {
                if (t == caller) continue;
                long before = mx.getThreadCpuTime(t.getId());
                Thread.sleep(300);
                long used = mx.getThreadCpuTime(t.getId()) - before;
                assertTrue(used < 30_000_000L, t.getName() + " used " + used / 1_000_000 + " ms of CPU in 300 ms idle");
            }
        }
    }

    @Test
    void anInterruptDuringALoopWaitsForEveryChunkAndIsKept() {
        Thread caller = Thread.currentThread();
        try (Parallel.Pool pool = Parallel.open(2, 0)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            pool.run(() -> Parallel.forRange(4, 1, (lo, hi) -> {
                if (Thread.currentThread() == caller) {
                    caller.interrupt();
                } else {
                    long until = System.nanoTime() + 30_000_000L;   // keep the caller waiting a while
                    while (System.nanoTime() < until) Thread.onSpinWait();
                }
                for (int i = lo; i < hi; i++) runs.incrementAndGet(i);
            }));
            assertEveryIndexRanOnce(runs);
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
        }
    }

    @Test
    void theSpinPropertyAcceptsMicrosecondsAndRejectsAnythingElseNamingIt() {
        assertEquals(Parallel.DEFAULT_SPIN_MICROS * 1000L, Parallel.spinNanos(null));
        assertEquals(Parallel.DEFAULT_SPIN_MICROS * 1000L, Parallel.spinNanos(" "));
        assertEquals(0, Parallel.spinNanos("0"));
        assertEquals(20_000, Parallel.spinNanos(" 20 "));
        assertEquals(100_000_000L, Parallel.spinNanos("100000"));
        for (String bad : new String[] {"-1", "abc", "1.5", "100001", "50us"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Parallel.spinNanos(bad), bad);
            assertTrue(e.getMessage().contains("-Dvdiff.parallel.spinMicros=" + bad), e.getMessage());
        }
    }

    @Test
    void aBadSpinPropertyFailsTheCheckAndNewPoolsNamingIt() {
        String keep = System.getProperty("vdiff.parallel.spinMicros");
        try {
            System.setProperty("vdiff.parallel.spinMicros", "fast");
            var e = assertThrows(IllegalArgumentException.class, Parallel::checkProperties);
            assertEquals("-Dvdiff.parallel.spinMicros=fast is not a whole number of microseconds from 0 to 100000", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Parallel.open(2));
            System.setProperty("vdiff.parallel.spinMicros", "7");
            Parallel.checkProperties();
            assertEquals(3, Parallel.withThreads(3, Parallel::threads));
        } finally {
            if (keep == null) System.clearProperty("vdiff.parallel.spinMicros");
            else System.setProperty("vdiff.parallel.spinMicros", keep);
        }
    }
}
