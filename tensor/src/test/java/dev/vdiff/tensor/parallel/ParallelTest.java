package dev.vdiff.tensor.parallel;

import dev.vdiff.tensor.kernels.Gemm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread count is a setting of a run: runs do not see each other, and callers' own pools do not matter. */
class ParallelTest {
    private static final int M = 150, N = 170, K = 400;   // above Gemm's direct-loop size: the packed, split path
    private static final float[] A, B;

    static {
        SplittableRandom r = new SplittableRandom(3);
        A = new float[M * K];
        B = new float[K * N];
        for (int i = 0; i < A.length; i++) A[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < B.length; i++) B[i] = (float) r.nextDouble(-1, 1);
    }

    private static float[] product() {
        float[] c = new float[M * N];
        Gemm.sgemm(false, false, M, N, K, A, 0, K, B, 0, N, c, 0, N, false);
        return c;
    }

    /**
     * The names of the threads that ran the chunks of one loop. The caller runs chunks too, and may finish
     * trivial ones before a helper wakes, so when the loop should fan out each chunk waits (at most 10 s)
     * until a second thread has taken one.
     */
    private static Set<String> chunkThreads(int n) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        boolean fansOut = Parallel.threadsHere() > 1;
        Parallel.forRange(n, 1, (lo, hi) -> {
            names.add(Thread.currentThread().getName());
            long until = System.nanoTime() + 10_000_000_000L;
            while (fansOut && names.size() < 2 && System.nanoTime() < until) Thread.onSpinWait();
        });
        return names;
    }

    /** Chunks ran on the calling thread and the run's compute threads only, and on at least one of the latter. */
    private static boolean onCallerAndComputeThreads(Set<String> names, String caller) {
        return names.stream().allMatch(n -> n.equals(caller) || n.startsWith("vdiff-compute-"))
            && names.stream().anyMatch(n -> n.startsWith("vdiff-compute-"));
    }

    @Test
    void aLoopCalledFromAUsersParallelStreamStillFansOutAndGivesTheSameBits() {
        float[] expected = Parallel.withThreads(1, ParallelTest::product);
        try (Parallel.Pool pool = Parallel.open(2)) {
            List<float[]> products = IntStream.range(0, 4).parallel().mapToObj(i -> pool.call(ParallelTest::product)).toList();
            for (float[] c : products) assertArrayEquals(expected, c, "a product made on a user's fork-join thread");
            List<String> bad = IntStream.range(0, 4).parallel().mapToObj(i -> pool.call(() -> {
                String caller = Thread.currentThread().getName();
                Set<String> s = chunkThreads(64);
                return onCallerAndComputeThreads(s, caller) ? "" : caller + " -> " + s;
            })).filter(r -> !r.isEmpty()).toList();
            assertTrue(bad.isEmpty(), "chunks of a loop called from a user's fork-join thread ran elsewhere than on it and the run's compute threads: " + bad);
        }
        // Without an explicit run, such a loop fans out over the default pool, with the same bits.
        List<float[]> byDefault = IntStream.range(0, 3).parallel().mapToObj(i -> product()).toList();
        for (float[] c : byDefault) assertArrayEquals(expected, c, "a product on the default pool from a user's stream");
    }

    @Test
    void twoRunsWithDifferentThreadCountsInOneJvmDoNotInterfere() throws Exception {
        float[] expected = Parallel.withThreads(1, ParallelTest::product);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = List.of(1, 3).stream().map(threads -> callers.submit(() -> {
                try (Parallel.Pool pool = Parallel.open(threads)) {
                    return pool.call(() -> {
                        try {
                            together.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        for (int round = 0; round < 5; round++) {
                            if (Parallel.threads() != threads) return "run of " + threads + " saw " + Parallel.threads() + " threads";
                            if (!java.util.Arrays.equals(expected, product())) return "run of " + threads + ": product changed";
                            Set<String> names = chunkThreads(64);
                            boolean inline = names.equals(Set.of(Thread.currentThread().getName()));
                            if ((threads == 1) != inline) return "run of " + threads + " ran its chunks on " + names;
                        }
                        return "ok";
                    });
                }
            })).toList();
            for (Future<String> f : results) assertEquals("ok", f.get());
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void nestedLoopsRunInlineOnTheComputeThreadAndRunsNest() {
        try (Parallel.Pool outer = Parallel.open(2)) {
            outer.run(() -> {
                Set<String> mismatches = ConcurrentHashMap.newKeySet();
                Parallel.forRange(8, 1, (lo, hi) -> {
                    String me = Thread.currentThread().getName();
                    Set<String> inner = chunkThreads(64);
                    if (!inner.equals(Set.of(me))) mismatches.add(me + " -> " + inner);
                    if (Parallel.threads() != 2 || Parallel.threadsHere() != 1) mismatches.add("thread counts on a compute thread");
                });
                assertTrue(mismatches.isEmpty(), mismatches.toString());
                assertEquals(3, Parallel.withThreads(3, Parallel::threads), "an inner run");
                assertEquals(2, Parallel.threads(), "the outer run is current again after the inner one");
            });
        }
    }

    @Test
    void aFailingChunkFailsTheLoopAfterEveryChunkHasStopped() {
        try (Parallel.Pool pool = Parallel.open(2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.run(() -> Parallel.forRange(64, 1, (lo, hi) -> {
                if (lo == 0) throw new IllegalArgumentException("chunk 0 failed");
            })));
            assertEquals("chunk 0 failed", e.getMessage());
            // the pool still works afterwards
            assertTrue(pool.call(() -> onCallerAndComputeThreads(chunkThreads(64), Thread.currentThread().getName())));
        }
    }

    @Test
    void theProcessDefaultDoesNotReachIntoARun() {
        int keep = Parallel.threads();
        try (Parallel.Pool pool = Parallel.open(2)) {
            Parallel.setThreads(1);
            assertEquals(2, pool.call(Parallel::threads));
            assertEquals(1, Parallel.threads());
        } finally {
            Parallel.setThreads(keep);
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.open(0));
    }
}
