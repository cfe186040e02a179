package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

/**
 * Softmax attention without a mask, forward and backward, with the probabilities materialised on the
 * device (P [pairs, Sq, Sk]; pairs = B*H), each step one work-item per element of what it writes:
 * <pre>
 *   forward   S_ij = q_i.k_j / sqrt(Dk)                         (pair, i, j)
 *             lse_i = m_i + log sum_j exp(S_ij - m_i); P_ij = exp(S_ij - lse_i)   (pair, i)
 *             O_ie = sum_j P_ij V_je                             (pair, i, e)
 *   backward  P_ij = exp(S_ij - lse_i)                           (pair, i, j)
 *             D_i = dO_i . O_i                                   (pair, i)
 *             dS_ij = P_ij (dO_i . V_j - D_i) / sqrt(Dk)         (pair, i, j)
 *             dV_je = sum_i P_ij dO_ie;  dQ_ic = sum_j dS_ij K_jc;  dK_jc = sum_i dS_ij Q_ic
 * </pre>
 * Operands are read through the row layouts of {@link Geometry} (dense [B, H, S, D] or head slices of
 * [S, T, C]). Every sum runs in index order in one work-item (fixed order). Everything lives in the backend's
 * {@link SharedArena}: q, k, v (and o, lse, dO in the backward) are uploaded only when the device does not hold
 * their current values, S, P and D are scratch regions that never cross the bus, and o, lse, dQ, dK, dV are
 * results like any other family's. The forward kernels form one task graph of the arena's plan, the backward
 * ones another; offsets and layouts are launch parameters.
 */
final class AttentionTask implements DeviceArena.User {
    private static final int LOCAL = 64;
    private static final String[] TASKS = {"scores", "rows", "out", "probs", "dot", "ds", "dv", "dq", "dk"};
    private static final int FORWARD_TASKS = 3;   // TASKS[0..3) forward, the rest backward
    // params: 0 backward, 1 pairs, 2 heads, 3 sq, 4 sk, 5 dk, 6 dv, 7..9 q rows (batch, head, row),
    //         10..12 k, 13..15 v, 16..18 o (and dO); arena offsets of 19 q, 20 k, 21 v, 22 o, 23 lse, 24 S (or dS),
    //         25 P, 26 D, 27 dO, 28 dQ, 29 dK, 30 dV
    private static final int Q = 19, K = 20, V = 21, O = 22, LSE = 23, S = 24, P = 25, D = 26, DO = 27, DQ = 28, DK = 29, DV = 30;
    private final IntArray params = new IntArray(31);
    private final SharedArena shared;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[TASKS.length];
    private final GridScheduler[] schedulers = new GridScheduler[2];
    /** Host keys of the scratch regions (S, P: [pairs, Sq, Sk]; D: [pairs, Sq]); they only grow and never cross the bus. */
    private float[] scratchS = new float[0], scratchP = new float[0], scratchD = new float[0];

    AttentionTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    private static int base(IntArray p, int at, int pair) {
        int heads = p.get(2);
        return (pair / heads) * p.get(at) + (pair % heads) * p.get(at + 1);
    }

    private static float dotQK(IntArray p, FloatArray mem, int pair, int i, int j) {
        int qi = p.get(Q) + base(p, 7, pair) + i * p.get(9), kj = p.get(K) + base(p, 10, pair) + j * p.get(12);
        float acc = 0f;
        for (int c = 0; c < p.get(5); c++) acc += mem.get(qi + c) * mem.get(kj + c);
        return acc / TornadoMath.sqrt((float) p.get(5));
    }

    static void scoreMatrix(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), t = ctx.globalIdx;
        if (p.get(0) == 0 && t < p.get(1) * sq * sk) mem.set(p.get(S) + t, dotQK(p, mem, t / (sq * sk), (t / sk) % sq, t % sk));
    }

    static void rowStats(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), r = ctx.globalIdx;
        if (p.get(0) == 0 && r < p.get(1) * sq) {
            int b = p.get(S) + r * sk, pb = p.get(P) + r * sk;
            float m = mem.get(b);
            for (int j = 1; j < sk; j++) m = TornadoMath.max(m, mem.get(b + j));
            float sum = 0f;
            for (int j = 0; j < sk; j++) sum += TornadoMath.exp(mem.get(b + j) - m);
            float l = m + TornadoMath.log(sum);
            mem.set(p.get(LSE) + r, l);
            for (int j = 0; j < sk; j++) mem.set(pb + j, TornadoMath.exp(mem.get(b + j) - l));
        }
    }

    static void output(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 0 && t < p.get(1) * sq * dv) {
            int pair = t / (sq * dv), i = (t / dv) % sq, e = t % dv;
            int vb = p.get(V) + base(p, 13, pair) + e, pb = p.get(P) + (pair * sq + i) * sk;
            float acc = 0f;
            for (int j = 0; j < sk; j++) acc += mem.get(pb + j) * mem.get(vb + j * p.get(15));
            mem.set(p.get(O) + base(p, 16, pair) + i * p.get(18) + e, acc);
        }
    }

    static void probabilities(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * sk) {
            int pair = t / (sq * sk), i = (t / sk) % sq;
            mem.set(p.get(P) + t, TornadoMath.exp(dotQK(p, mem, pair, i, t % sk) - mem.get(p.get(LSE) + pair * sq + i)));
        }
    }

    static void rowDot(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), dv = p.get(6), r = ctx.globalIdx;
        if (p.get(0) == 1 && r < p.get(1) * sq) {
            int oi = base(p, 16, r / sq) + (r % sq) * p.get(18), oo = p.get(O) + oi, go = p.get(DO) + oi;
            float acc = 0f;
            for (int e = 0; e < dv; e++) acc += mem.get(go + e) * mem.get(oo + e);
            mem.set(p.get(D) + r, acc);
        }
    }

    static void scoreGrad(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * sk) {
            int pair = t / (sq * sk), i = (t / sk) % sq, j = t % sk;
            int go = p.get(DO) + base(p, 16, pair) + i * p.get(18), vj = p.get(V) + base(p, 13, pair) + j * p.get(15);
            float acc = 0f;
            for (int e = 0; e < dv; e++) acc += mem.get(go + e) * mem.get(vj + e);
            mem.set(p.get(S) + t, mem.get(p.get(P) + t) * (acc - mem.get(p.get(D) + pair * sq + i)) / TornadoMath.sqrt((float) p.get(5)));
        }
    }

    static void gradV(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sk * dv) {
            int pair = t / (sk * dv), j = (t / dv) % sk, e = t % dv;
            int gb = p.get(DO) + base(p, 16, pair) + e, pb = p.get(P) + pair * sq * sk + j;
            float acc = 0f;
            for (int i = 0; i < sq; i++) acc += mem.get(pb + i * sk) * mem.get(gb + i * p.get(18));
            mem.set(p.get(DV) + base(p, 13, pair) + j * p.get(15) + e, acc);
        }
    }

    static void gradQ(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), dk = p.get(5), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * dk) {
            int pair = t / (sq * dk), i = (t / dk) % sq, c = t % dk;
            int kb = p.get(K) + base(p, 10, pair) + c, sb = p.get(S) + (pair * sq + i) * sk;
            float acc = 0f;
            for (int j = 0; j < sk; j++) acc += mem.get(sb + j) * mem.get(kb + j * p.get(12));
            mem.set(p.get(DQ) + base(p, 7, pair) + i * p.get(9) + c, acc);
        }
    }

    static void gradK(KernelContext ctx, IntArray p, FloatArray mem) {
        int sq = p.get(3), sk = p.get(4), dk = p.get(5), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sk * dk) {
            int pair = t / (sk * dk), j = (t / dk) % sk, c = t % dk;
            int qb = p.get(Q) + base(p, 7, pair) + c, sb = p.get(S) + pair * sq * sk + j;
            float acc = 0f;
            for (int i = 0; i < sq; i++) acc += mem.get(sb + i * sk) * mem.get(qb + i * p.get(9));
            mem.set(p.get(DK) + base(p, 10, pair) + j * p.get(12) + c, acc);
        }
    }

    void forward(float[] hq, float[] hk, float[] hv, float[] hout, float[] hlse, Geometry g) {
        int pairs = g.batch() * g.heads(), rows = pairs * g.sq(), nij = pairs * g.sq() * g.sk();
        scratch(nij, rows);
        DeviceArena a = shared.get(hq.length, hk.length, hv.length, hout.length, hlse.length, scratchS.length, scratchP.length);
        a.begin();
        int[] off = new int[12];
        off[Q - Q] = a.input(hq, hq.length);
        off[K - Q] = a.input(hk, hk.length);
        off[V - Q] = a.input(hv, hv.length);
        Result o = result(a, hout, rows * g.dv()), l = result(a, hlse, rows);
        off[O - Q] = o.off;
        off[LSE - Q] = l.off;
        off[S - Q] = a.output(scratchS, scratchS.length);
        off[P - Q] = a.output(scratchP, scratchP.length);
        setParams(g, 0, off);
        launch(a, 0, new long[] {nij, rows, (long) rows * g.dv()});
        o.done(a);
        l.done(a);
    }

    void backward(float[] hq, float[] hk, float[] hv, float[] hout, float[] hlse, float[] hdout,
                  float[] hdq, float[] hdk, float[] hdv, Geometry g) {
        int pairs = g.batch() * g.heads(), rows = pairs * g.sq(), nij = pairs * g.sq() * g.sk();
        scratch(nij, rows);
        DeviceArena a = shared.get(hq.length, hk.length, hv.length, hout.length, hlse.length, hdout.length,
            hdq.length, hdk.length, hdv.length, scratchS.length, scratchP.length, scratchD.length);
        a.begin();
        int[] off = new int[12];
        off[Q - Q] = a.input(hq, hq.length);
        off[K - Q] = a.input(hk, hk.length);
        off[V - Q] = a.input(hv, hv.length);
        off[O - Q] = a.input(hout, hout.length);
        off[LSE - Q] = a.input(hlse, hlse.length);
        off[DO - Q] = a.input(hdout, hdout.length);
        off[S - Q] = a.output(scratchS, scratchS.length);
        off[P - Q] = a.output(scratchP, scratchP.length);
        off[D - Q] = a.output(scratchD, scratchD.length);
        Result dq = result(a, hdq, rows * g.dk()), dk = result(a, hdk, pairs * g.sk() * g.dk()), dv = result(a, hdv, pairs * g.sk() * g.dv());
        off[DQ - Q] = dq.off;
        off[DK - Q] = dk.off;
        off[DV - Q] = dv.off;
        setParams(g, 1, off);
        launch(a, 1, new long[] {nij, rows, nij, (long) pairs * g.sk() * g.dv(), (long) rows * g.dk(), (long) pairs * g.sk() * g.dk()});
        dq.done(a);
        dk.done(a);
        dv.done(a);
    }

    /**
     * A result array's region: when the kernel writes {@code written} elements, as many as the array has (the row
     * layouts never write one element twice), the region needs no upload; otherwise the array is uploaded first, so
     * that the whole region is current on the device after the launch (the elements the kernel does not write keep
     * the host's values) and is a result like any other.
     */
    private record Result(float[] host, int off, boolean whole) {
        void done(DeviceArena a) { a.result(host, off, host.length); }
    }

    private static Result result(DeviceArena a, float[] host, long written) {
        boolean whole = written == host.length;
        return new Result(host, whole ? a.output(host, host.length) : a.input(host, host.length), whole);
    }

    private void scratch(int nij, int rows) {
        if (scratchS.length < nij) {
            scratchS = new float[Staging.capacity(nij)];
            scratchP = new float[scratchS.length];
        }
        if (scratchD.length < rows) scratchD = new float[Staging.capacity(rows)];
    }

    private void setParams(Geometry g, int backward, int[] off) {
        int[] ps = {backward, g.batch() * g.heads(), g.heads(), g.sq(), g.sk(), g.dk(), g.dv(),
            g.q().batch(), g.q().head(), g.q().row(), g.k().batch(), g.k().head(), g.k().row(),
            g.v().batch(), g.v().head(), g.v().row(), g.o().batch(), g.o().head(), g.o().row()};
        Staging.put(ps, ps.length, params);
        for (int i = 0; i < off.length; i++) params.set(Q + i, off[i]);
    }

    /** Runs graph {@code pass} (0 forward, 1 backward) with {@code items[t]} work-items for its t-th task. */
    private void launch(DeviceArena a, int pass, long[] items) {
        int from = pass == 0 ? 0 : FORWARD_TASKS;
        for (int t = 0; t < items.length; t++) {
            grids[from + t].setGlobalWork((items[t] + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
            grids[from + t].setLocalWork(LOCAL, 1, 1);
        }
        a.launch(this, pass, schedulers[pass]);
    }

    @Override
    public List<TaskGraph> graphs(DeviceArena a, String name) {
        KernelContext ctx = new KernelContext();
        TaskGraph fwd = a.finish(a.kernelGraph(name + "attfwd", params)
            .task("scores", AttentionTask::scoreMatrix, ctx, params, a.mem)
            .task("rows", AttentionTask::rowStats, ctx, params, a.mem)
            .task("out", AttentionTask::output, ctx, params, a.mem));
        KernelContext bctx = new KernelContext();
        TaskGraph bwd = a.finish(a.kernelGraph(name + "attbwd", params)
            .task("probs", AttentionTask::probabilities, bctx, params, a.mem)
            .task("dot", AttentionTask::rowDot, bctx, params, a.mem)
            .task("ds", AttentionTask::scoreGrad, bctx, params, a.mem)
            .task("dv", AttentionTask::gradV, bctx, params, a.mem)
            .task("dq", AttentionTask::gradQ, bctx, params, a.mem)
            .task("dk", AttentionTask::gradK, bctx, params, a.mem));
        TaskGraph[] tg = {fwd, bwd};
        for (int k = 0; k < 2; k++) {
            schedulers[k] = new GridScheduler();
            for (int t = k == 0 ? 0 : FORWARD_TASKS; t < (k == 0 ? FORWARD_TASKS : TASKS.length); t++) {
                grids[t] = new WorkerGrid1D(LOCAL);
                schedulers[k].addWorkerGrid(tg[k].getTaskGraphName() + "." + TASKS[t], grids[t]);
            }
        }
        return List.of(fwd, bwd);
    }
}
