package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Batched strided GEMM on the device, {@code C_t (=|+=) A_t B_t} with the operand layout of
 * {@code Gemm.sgemmBatched} (any strides: transposed views and broadcast batches cost no copy).
 *
 * <p>Kernel: the classic shared-memory tiling. A work-group of TS x TS work-items owns a TS x TS tile of
 * one C_t; it walks k in steps of TS, each work-item loading one element of the A tile and one of the B
 * tile into local memory (zero outside the matrices), then each work-item adds its TS products. Grid
 * {@code [ceil(n/TS)*TS, ceil(m/TS)*TS, batches]}, local {@code [TS, TS, 1]}. Every C element is summed in
 * k order by one work-item, so a launch gives the same bits every time on one device.
 */
final class GemmTask implements AutoCloseable {
    static final int TS = 16;
    private static final String GRAPH = "gemm";
    private static final int P = 16;   // ints of launch parameters

    private final IntArray params = new IntArray(P);
    private IntArray aBatch, bBatch;
    private FloatArray a, b, c;
    private TornadoExecutionPlan plan;
    private WorkerGrid3D grid;
    private GridScheduler scheduler;
    private int generation;

    // params: m n k aK aM bK bN cBatch ldc accumulate aOff bOff cOff
    static void gemm(KernelContext ctx, IntArray p, IntArray aBatch, IntArray bBatch, FloatArray a, FloatArray b, FloatArray c) {
        int m = p.get(0), n = p.get(1), k = p.get(2);
        int aK = p.get(3), aM = p.get(4), bK = p.get(5), bN = p.get(6);
        int cBatch = p.get(7), ldc = p.get(8), accumulate = p.get(9);
        int tx = ctx.localIdx, ty = ctx.localIdy, t = ctx.groupIdz;
        int col = ctx.groupIdx * TS + tx, row = ctx.groupIdy * TS + ty;
        float[] aTile = ctx.allocateFloatLocalArray(TS * TS);
        float[] bTile = ctx.allocateFloatLocalArray(TS * TS);
        int aBase = p.get(10) + aBatch.get(t), bBase = p.get(11) + bBatch.get(t);
        float sum = 0f;
        for (int k0 = 0; k0 < k; k0 += TS) {
            int ka = k0 + tx, kb = k0 + ty;
            float av = 0f, bv = 0f;
            if (row < m && ka < k) av = a.get(aBase + ka * aK + row * aM);
            if (kb < k && col < n) bv = b.get(bBase + kb * bK + col * bN);
            aTile[ty * TS + tx] = av;
            bTile[ty * TS + tx] = bv;
            ctx.localBarrier();
            for (int kk = 0; kk < TS; kk++) {
                sum += aTile[ty * TS + kk] * bTile[kk * TS + tx];
            }
            ctx.localBarrier();
        }
        if (row < m && col < n) {
            int ci = p.get(12) + t * cBatch + row * ldc + col;
            if (accumulate == 1) sum += c.get(ci);
            c.set(ci, sum);
        }
    }

    /** See {@code KernelBackend.sgemmBatched}. */
    synchronized void run(int batches, int m, int n, int k,
                          float[] ha, int aOff, int[] haBatch, int aK, int aM,
                          float[] hb, int bOff, int[] hbBatch, int bK, int bN,
                          float[] hc, int cOff, int cBatch, int ldc, boolean accumulate) {
        if (!Staging.fits(a, ha.length) || !Staging.fits(b, hb.length) || !Staging.fits(c, hc.length) || !Staging.fits(aBatch, batches)) {
            rebuild(ha.length, hb.length, hc.length, batches);
        }
        Staging.put(ha, ha.length, a);
        Staging.put(hb, hb.length, b);
        Staging.put(haBatch, batches, aBatch);
        Staging.put(hbBatch, batches, bBatch);
        if (accumulate) Staging.put(hc, hc.length, c);
        int[] ps = {m, n, k, aK, aM, bK, bN, cBatch, ldc, accumulate ? 1 : 0, aOff, bOff, cOff};
        Staging.put(ps, ps.length, params);
        grid.setGlobalWork(roundUp(n), roundUp(m), batches);
        grid.setLocalWork(TS, TS, 1);
        plan.withGridScheduler(scheduler).execute();
        if (accumulate) {
            Staging.get(c, hc, hc.length);
        } else {
            // only the C_t blocks are written; copy those rows back, leaving the rest of hc as it was
            for (int t = 0; t < batches; t++) {
                for (int i = 0; i < m; i++) {
                    int off = cOff + t * cBatch + i * ldc;
                    java.lang.foreign.MemorySegment.copy(c.getSegment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 4L * off, hc, off, n);
                }
            }
        }
    }

    /**
     * Times the kernel alone on square n x n matrices already on the device (inputs sent once, C left
     * there): seconds per call, the median of {@code reps} timed calls after two warm-up calls. Checks 16
     * entries of C against double-precision dot products and throws if one is off by more than 1e-3 relative.
     */
    static double timeResident(int n, int reps) {
        FloatArray a = new FloatArray(n * n), b = new FloatArray(n * n), c = new FloatArray(n * n);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < n * n; i++) {
            a.set(i, (float) (r.nextDouble() - 0.5));
            b.set(i, (float) (r.nextDouble() - 0.5));
        }
        IntArray p = new IntArray(P), zero = new IntArray(1);
        int[] ps = {n, n, n, 1, n, n, 1, n * n, n, 0, 0, 0, 0};
        for (int i = 0; i < ps.length; i++) p.set(i, ps[i]);
        TaskGraph g = new TaskGraph("gemmResident")
            .transferToDevice(DataTransferMode.FIRST_EXECUTION, p, zero, a, b)
            .task("t", GemmTask::gemm, new KernelContext(), p, zero, zero, a, b, c)
            .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        WorkerGrid3D w = new WorkerGrid3D((int) roundUp(n), (int) roundUp(n), 1);
        w.setLocalWork(TS, TS, 1);
        double[] times = new double[reps];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(new GridScheduler("gemmResident.t", w));
            uk.ac.manchester.tornado.api.TornadoExecutionResult last = null;
            for (int i = 0; i < 2 + reps; i++) {
                long t0 = System.nanoTime();
                last = plan.execute();
                if (i >= 2) times[i - 2] = (System.nanoTime() - t0) / 1e9;
            }
            last.transferToHost(c);
        } catch (Exception e) {
            throw new IllegalStateException("resident GEMM benchmark", e);
        }
        for (int s = 0; s < 16; s++) {
            int i = r.nextInt(n), j = r.nextInt(n);
            double want = 0;
            for (int k = 0; k < n; k++) want += (double) a.get(i * n + k) * b.get(k * n + j);
            if (Math.abs(c.get(i * n + j) - want) > 1e-3 * Math.sqrt(n)) {
                throw new IllegalStateException("resident GEMM: C[" + i + ", " + j + "] = " + c.get(i * n + j) + ", expected " + want);
            }
        }
        java.util.Arrays.sort(times);
        return times[reps / 2];
    }

    private static long roundUp(int x) {
        return (long) ((x + TS - 1) / TS) * TS;
    }

    private void rebuild(int na, int nb, int nc, int batches) {
        close();
        a = new FloatArray(Staging.capacity(na));
        b = new FloatArray(Staging.capacity(nb));
        c = new FloatArray(Staging.capacity(nc));
        aBatch = new IntArray(Staging.capacity(batches));
        bBatch = new IntArray(Staging.capacity(batches));
        String name = GRAPH + (generation++);
        KernelContext ctx = new KernelContext();
        TaskGraph g = new TaskGraph(name)
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, aBatch, bBatch, a, b, c)
            .task("t", GemmTask::gemm, ctx, params, aBatch, bBatch, a, b, c)
            .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        grid = new WorkerGrid3D(TS, TS, 1);
        grid.setLocalWork(TS, TS, 1);
        scheduler = new GridScheduler(name + ".t", grid);
        plan = new TornadoExecutionPlan(g.snapshot());
    }

    @Override
    public synchronized void close() {
        if (plan != null) {
            try {
                plan.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the GEMM execution plan", e);
            }
            plan = null;
        }
    }
}
