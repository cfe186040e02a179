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
    /** Products with m and n at least this large use {@link #gemmBlocked} (64x64 tiles). */
    static final int BLOCKED_MIN = 64;
    private static final String GRAPH = "gemm";
    private static final int P = 16;   // ints of launch parameters (index 13: 1 = the blocked kernel)

    private final IntArray params = new IntArray(P);
    private IntArray aBatch, bBatch;
    private FloatArray a, b, c;
    // by variant = 2 * accumulate + blocked: C crosses to the device only when accumulating, and only the
    // kernel that runs is launched
    private final TornadoExecutionPlan[] plans = new TornadoExecutionPlan[4];
    private final WorkerGrid3D[] grids = new WorkerGrid3D[4];
    private final GridScheduler[] schedulers = new GridScheduler[4];
    private int generation;

    // params: m n k aK aM bK bN cBatch ldc accumulate aOff bOff cOff
    static void gemm(KernelContext ctx, IntArray p, IntArray aBatch, IntArray bBatch, FloatArray a, FloatArray b, FloatArray c) {
        if (p.get(13) == 1) return;   // the blocked kernel has this launch
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

    /**
     * The register-blocked variant for large products: a 16x16 work-group owns a 64x64 tile of C_t, each
     * work-item the 4x4 elements {@code (ty + 16i, tx + 16j)}; per step of 16 along k the group stages a
     * 64x16 tile of A and a 16x64 tile of B in local memory, and each work-item does 16 multiply-adds per 8
     * local loads. Each C element is still one work-item's sum in k order (same order as {@link #gemm}).
     */
    static void gemmBlocked(KernelContext ctx, IntArray p, IntArray aBatch, IntArray bBatch, FloatArray a, FloatArray b, FloatArray c) {
        if (p.get(13) == 0) return;   // the simple kernel has this launch
        int m = p.get(0), n = p.get(1), k = p.get(2);
        int aK = p.get(3), aM = p.get(4), bK = p.get(5), bN = p.get(6);
        int tx = ctx.localIdx, ty = ctx.localIdy, t = ctx.groupIdz;
        int row0 = ctx.groupIdy * 64, col0 = ctx.groupIdx * 64;
        float[] aTile = ctx.allocateFloatLocalArray(64 * 16);
        float[] bTile = ctx.allocateFloatLocalArray(16 * 64);
        int aBase = p.get(10) + aBatch.get(t), bBase = p.get(11) + bBatch.get(t);
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < k; k0 += 16) {
            for (int l = 0; l < 4; l++) {
                int r = row0 + ty + 16 * l, ka = k0 + tx;
                float av = 0f;
                if (r < m && ka < k) av = a.get(aBase + ka * aK + r * aM);
                aTile[(ty + 16 * l) * 16 + tx] = av;
                int col = col0 + tx + 16 * l, kb = k0 + ty;
                float bv = 0f;
                if (kb < k && col < n) bv = b.get(bBase + kb * bK + col * bN);
                bTile[ty * 64 + tx + 16 * l] = bv;
            }
            ctx.localBarrier();
            for (int kk = 0; kk < 16; kk++) {
                float a0 = aTile[ty * 16 + kk], a1 = aTile[(ty + 16) * 16 + kk], a2 = aTile[(ty + 32) * 16 + kk], a3 = aTile[(ty + 48) * 16 + kk];
                float b0 = bTile[kk * 64 + tx], b1 = bTile[kk * 64 + tx + 16], b2 = bTile[kk * 64 + tx + 32], b3 = bTile[kk * 64 + tx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            ctx.localBarrier();
        }
        int cBase = p.get(12) + t * p.get(7), ldc = p.get(8), acc = p.get(9);
        store(c, cBase, ldc, acc, m, n, row0 + ty, col0 + tx, c00, c01, c02, c03);
        store(c, cBase, ldc, acc, m, n, row0 + ty + 16, col0 + tx, c10, c11, c12, c13);
        store(c, cBase, ldc, acc, m, n, row0 + ty + 32, col0 + tx, c20, c21, c22, c23);
        store(c, cBase, ldc, acc, m, n, row0 + ty + 48, col0 + tx, c30, c31, c32, c33);
    }

    /** Writes (or adds) one work-item's four values of row r at columns col, col+16, col+32, col+48. */
    private static void store(FloatArray c, int base, int ldc, int acc, int m, int n, int r, int col, float v0, float v1, float v2, float v3) {
        if (r < m) {
            int ri = base + r * ldc;
            if (col < n) c.set(ri + col, acc == 1 ? c.get(ri + col) + v0 : v0);
            if (col + 16 < n) c.set(ri + col + 16, acc == 1 ? c.get(ri + col + 16) + v1 : v1);
            if (col + 32 < n) c.set(ri + col + 32, acc == 1 ? c.get(ri + col + 32) + v2 : v2);
            if (col + 48 < n) c.set(ri + col + 48, acc == 1 ? c.get(ri + col + 48) + v3 : v3);
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
        boolean blocked = m >= BLOCKED_MIN && n >= BLOCKED_MIN;
        int[] ps = {m, n, k, aK, aM, bK, bN, cBatch, ldc, accumulate ? 1 : 0, aOff, bOff, cOff, blocked ? 1 : 0};
        Staging.put(ps, ps.length, params);
        int variant = (accumulate ? 2 : 0) + (blocked ? 1 : 0);
        if (blocked) grids[variant].setGlobalWork((n + 63) / 64 * 16L, (m + 63) / 64 * 16L, batches);
        else grids[variant].setGlobalWork(roundUp(n), roundUp(m), batches);
        grids[variant].setLocalWork(TS, TS, 1);
        Transfers.execute(plans[variant], schedulers[variant]);
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
    static double timeResident(int n, int reps, boolean blocked) {
        FloatArray a = new FloatArray(n * n), b = new FloatArray(n * n), c = new FloatArray(n * n);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < n * n; i++) {
            a.set(i, (float) (r.nextDouble() - 0.5));
            b.set(i, (float) (r.nextDouble() - 0.5));
        }
        IntArray p = new IntArray(P), zero = new IntArray(1);
        int[] ps = {n, n, n, 1, n, n, 1, n * n, n, 0, 0, 0, 0, blocked ? 1 : 0};
        for (int i = 0; i < ps.length; i++) p.set(i, ps[i]);
        TaskGraph g = new TaskGraph("gemmResident")
            .transferToDevice(DataTransferMode.FIRST_EXECUTION, p, zero, a, b)
            .task("t", blocked ? GemmTask::gemmBlocked : GemmTask::gemm, new KernelContext(), p, zero, zero, a, b, c)
            .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        int side = blocked ? (n + 63) / 64 * 16 : (int) roundUp(n);
        WorkerGrid3D w = new WorkerGrid3D(side, side, 1);
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
        for (int variant = 0; variant < 4; variant++) {
            boolean acc = variant >= 2, blocked = (variant & 1) == 1;
            TaskGraph g = new TaskGraph(name + "v" + variant);
            if (acc) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, params, aBatch, bBatch, a, b, c);
            else g.transferToDevice(DataTransferMode.EVERY_EXECUTION, params, aBatch, bBatch, a, b);
            if (blocked) g.task("t", GemmTask::gemmBlocked, new KernelContext(), params, aBatch, bBatch, a, b, c);
            else g.task("t", GemmTask::gemm, new KernelContext(), params, aBatch, bBatch, a, b, c);
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, c);
            grids[variant] = new WorkerGrid3D(TS, TS, 1);
            grids[variant].setLocalWork(TS, TS, 1);
            schedulers[variant] = new GridScheduler(g.getTaskGraphName() + ".t", grids[variant]);
            plans[variant] = new TornadoExecutionPlan(g.snapshot());
        }
    }

    @Override
    public synchronized void close() {
        ExecutionPlans.closeAll(plans, "GEMM");
    }
}
