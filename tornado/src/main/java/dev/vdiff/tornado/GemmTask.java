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
final class GemmTask implements DeviceArena.User {
    static final int TS = 16;
    /** Products with m and n at least this large use {@link #gemmBlocked} (64x64 tiles). */
    static final int BLOCKED_MIN = 64;
    private static final String GRAPH = "gemm";
    private static final int P = 16;   // ints of launch parameters (index 13: 1 = the blocked kernel; 14, 15: the batch offsets, launch constants in the arena)

    private final IntArray params = new IntArray(P);
    private final SharedArena shared;
    // by variant = blocked?: C is uploaded only when accumulating (and not already on the device), and only
    // the kernel that runs is launched
    private final WorkerGrid3D[] grids = new WorkerGrid3D[2];
    private final GridScheduler[] schedulers = new GridScheduler[2];

    GemmTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    // params: m n k aK aM bK bN cBatch ldc accumulate aOff bOff cOff (offsets into the arena)
    static void gemm(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(13) == 1) return;   // the blocked kernel has this launch
        int m = p.get(0), n = p.get(1), k = p.get(2);
        int aK = p.get(3), aM = p.get(4), bK = p.get(5), bN = p.get(6);
        int cBatch = p.get(7), ldc = p.get(8), accumulate = p.get(9);
        int tx = ctx.localIdx, ty = ctx.localIdy, t = ctx.groupIdz;
        int col = ctx.groupIdx * TS + tx, row = ctx.groupIdy * TS + ty;
        float[] aTile = ctx.allocateFloatLocalArray(TS * TS);
        float[] bTile = ctx.allocateFloatLocalArray(TS * TS);
        int ab = p.get(14) + 2 * t, bb = p.get(15) + 2 * t;   // the batch offsets, launch constants (DeviceArena.encode)
        int aBase = p.get(10) + (int) mem.get(ab) * 4096 + (int) mem.get(ab + 1), bBase = p.get(11) + (int) mem.get(bb) * 4096 + (int) mem.get(bb + 1);
        float sum = 0f;
        for (int k0 = 0; k0 < k; k0 += TS) {
            int ka = k0 + tx, kb = k0 + ty;
            float av = 0f, bv = 0f;
            if (row < m && ka < k) av = mem.get(aBase + ka * aK + row * aM);
            if (kb < k && col < n) bv = mem.get(bBase + kb * bK + col * bN);
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
            if (accumulate == 1) sum += mem.get(ci);
            mem.set(ci, sum);
        }
    }

    /**
     * The register-blocked variant for large products: a 16x16 work-group owns a 64x64 tile of C_t, each
     * work-item the 4x4 elements {@code (ty + 16i, tx + 16j)}; per step of 16 along k the group stages a
     * 64x16 tile of A and a 16x64 tile of B in local memory, and each work-item does 16 multiply-adds per 8
     * local loads. Each C element is still one work-item's sum in k order (same order as {@link #gemm}).
     */
    static void gemmBlocked(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(13) == 0) return;   // the simple kernel has this launch
        int m = p.get(0), n = p.get(1), k = p.get(2);
        int aK = p.get(3), aM = p.get(4), bK = p.get(5), bN = p.get(6);
        int tx = ctx.localIdx, ty = ctx.localIdy, t = ctx.groupIdz;
        int row0 = ctx.groupIdy * 64, col0 = ctx.groupIdx * 64;
        float[] aTile = ctx.allocateFloatLocalArray(64 * 16);
        float[] bTile = ctx.allocateFloatLocalArray(16 * 64);
        int ab = p.get(14) + 2 * t, bb = p.get(15) + 2 * t;   // the batch offsets, launch constants (DeviceArena.encode)
        int aBase = p.get(10) + (int) mem.get(ab) * 4096 + (int) mem.get(ab + 1), bBase = p.get(11) + (int) mem.get(bb) * 4096 + (int) mem.get(bb + 1);
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < k; k0 += 16) {
            for (int l = 0; l < 4; l++) {
                int r = row0 + ty + 16 * l, ka = k0 + tx;
                float av = 0f;
                if (r < m && ka < k) av = mem.get(aBase + ka * aK + r * aM);
                aTile[(ty + 16 * l) * 16 + tx] = av;
                int col = col0 + tx + 16 * l, kb = k0 + ty;
                float bv = 0f;
                if (kb < k && col < n) bv = mem.get(bBase + kb * bK + col * bN);
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
        store(mem, cBase, ldc, acc, m, n, row0 + ty, col0 + tx, c00, c01, c02, c03);
        store(mem, cBase, ldc, acc, m, n, row0 + ty + 16, col0 + tx, c10, c11, c12, c13);
        store(mem, cBase, ldc, acc, m, n, row0 + ty + 32, col0 + tx, c20, c21, c22, c23);
        store(mem, cBase, ldc, acc, m, n, row0 + ty + 48, col0 + tx, c30, c31, c32, c33);
    }

    /** Writes (or adds) one work-item's four values of row r at columns col, col+16, col+32, col+48. */
    private static void store(FloatArray mem, int base, int ldc, int acc, int m, int n, int r, int col, float v0, float v1, float v2, float v3) {
        if (r < m) {
            int ri = base + r * ldc;
            if (col < n) mem.set(ri + col, acc == 1 ? mem.get(ri + col) + v0 : v0);
            if (col + 16 < n) mem.set(ri + col + 16, acc == 1 ? mem.get(ri + col + 16) + v1 : v1);
            if (col + 32 < n) mem.set(ri + col + 32, acc == 1 ? mem.get(ri + col + 32) + v2 : v2);
            if (col + 48 < n) mem.set(ri + col + 48, acc == 1 ? mem.get(ri + col + 48) + v3 : v3);
        }
    }

    /** See {@code KernelBackend.sgemmBatched}. A, B (and C when accumulating) are uploaded only when the device does not hold them. */
    void run(int batches, int m, int n, int k,
             float[] ha, int aOff, int[] haBatch, int aK, int aM,
             float[] hb, int bOff, int[] hbBatch, int bK, int bN,
             float[] hc, int cOff, int cBatch, int ldc, boolean accumulate) {
        DeviceArena mm = ha == hb ? shared.get(ha.length, hc.length) : shared.get(ha.length, hb.length, hc.length);
        mm.begin();
        int ao = mm.input(ha, ha.length), bo = mm.input(hb, hb.length), co = accumulate ? mm.input(hc, hc.length) : mm.output(hc, hc.length);
        // the batch offsets are the same in every training step: sent once, then found in the arena by their contents
        int at = mm.constant(DeviceArena.encode(haBatch, batches)), bt = mm.constant(DeviceArena.encode(hbBatch, batches));
        boolean blocked = m >= BLOCKED_MIN && n >= BLOCKED_MIN;
        int[] ps = {m, n, k, aK, aM, bK, bN, cBatch, ldc, accumulate ? 1 : 0, ao + aOff, bo + bOff, co + cOff, blocked ? 1 : 0, at, bt};
        Staging.put(ps, ps.length, params);
        int variant = blocked ? 1 : 0;
        if (blocked) grids[variant].setGlobalWork((n + 63) / 64 * 16L, (m + 63) / 64 * 16L, batches);
        else grids[variant].setGlobalWork(roundUp(n), roundUp(m), batches);
        grids[variant].setLocalWork(TS, TS, 1);
        mm.launch(this, variant, schedulers[variant]);
        boolean whole = cOff == 0 && ldc == n && cBatch == m * n && (long) batches * m * n == hc.length;
        if (accumulate || whole) {
            // all of C's region is current on the device: C was uploaded first (accumulating) or the C_t blocks cover it
            mm.result(hc, co, hc.length);
        } else {
            // only the C_t blocks are written: read the region back into the arena's mirror, copy those rows to hc and
            // leave the rest of hc as it was (where hc and the mirror now differ, the next use uploads hc again)
            float[] rows = new float[hc.length];
            mm.download(rows, co, hc.length);
            for (int t = 0; t < batches; t++) {
                for (int i = 0; i < m; i++) {
                    int off = cOff + t * cBatch + i * ldc;
                    System.arraycopy(rows, off, hc, off, n);
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
        int nn = n * n;   // one device array: A at 0, B at n^2, C at 2 n^2 (as in the arena)
        FloatArray mem = new FloatArray(3 * nn + 2);   // + the batch offset 0 as a launch constant (two zeros) at 3 n^2
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < nn; i++) {
            mem.set(i, (float) (r.nextDouble() - 0.5));
            mem.set(nn + i, (float) (r.nextDouble() - 0.5));
        }
        IntArray p = new IntArray(P);
        int[] ps = {n, n, n, 1, n, n, 1, nn, n, 0, 0, nn, 2 * nn, blocked ? 1 : 0, 3 * nn, 3 * nn};
        for (int i = 0; i < ps.length; i++) p.set(i, ps[i]);
        TaskGraph g = new TaskGraph("gemmResident")
            .transferToDevice(DataTransferMode.FIRST_EXECUTION, p, mem)
            .task("t", blocked ? GemmTask::gemmBlocked : GemmTask::gemm, new KernelContext(), p, mem)
            .transferToHost(DataTransferMode.UNDER_DEMAND, mem);
        int side = blocked ? (n + 63) / 64 * 16 : (int) roundUp(n);
        WorkerGrid3D w = new WorkerGrid3D(side, side, 1);
        w.setLocalWork(TS, TS, 1);
        double[] times = new double[reps];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withCompilerFlags(uk.ac.manchester.tornado.api.enums.TornadoVMBackendType.OPENCL, DeviceArena.OPENCL_FLAGS);   // as the backend's kernels
            plan.withGridScheduler(new GridScheduler("gemmResident.t", w));
            uk.ac.manchester.tornado.api.TornadoExecutionResult last = null;
            for (int i = 0; i < 2 + reps; i++) {
                long t0 = System.nanoTime();
                last = plan.execute();
                if (i >= 2) times[i - 2] = (System.nanoTime() - t0) / 1e9;
            }
            last.transferToHost(mem);
        } catch (Exception e) {
            throw new IllegalStateException("resident GEMM benchmark", e);
        }
        for (int s = 0; s < 16; s++) {
            int i = r.nextInt(n), j = r.nextInt(n);
            double want = 0;
            for (int k = 0; k < n; k++) want += (double) mem.get(i * n + k) * mem.get(nn + k * n + j);
            float got = mem.get(2 * nn + i * n + j);
            if (Math.abs(got - want) > 1e-3 * Math.sqrt(n)) {
                throw new IllegalStateException("resident GEMM: C[" + i + ", " + j + "] = " + got + ", expected " + want);
            }
        }
        java.util.Arrays.sort(times);
        return times[reps / 2];
    }

    private static long roundUp(int x) {
        return (long) ((x + TS - 1) / TS) * TS;
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena mm, String name) {
        java.util.List<TaskGraph> tg = new java.util.ArrayList<>();
        for (int variant = 0; variant < 2; variant++) {
            TaskGraph g = mm.kernelGraph(name + GRAPH + "v" + variant, params);
            if (variant == 1) g.task("t", GemmTask::gemmBlocked, new KernelContext(), params, mm.mem);
            else g.task("t", GemmTask::gemm, new KernelContext(), params, mm.mem);
            tg.add(mm.finish(g));
            grids[variant] = new WorkerGrid3D(TS, TS, 1);
            grids[variant].setLocalWork(TS, TS, 1);
            schedulers[variant] = new GridScheduler(g.getTaskGraphName() + ".t", grids[variant]);
        }
        return tg;
    }
}
