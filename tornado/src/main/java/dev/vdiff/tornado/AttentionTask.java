package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

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
 * [S, T, C]). Every sum runs in index order in one work-item (fixed order). The forward kernels form one
 * task graph (q, k, v in; o, lse out; S and P stay on the device between its kernels), the backward ones
 * another (q, k, v, o, lse, dO in; dQ, dK, dV out): nothing else crosses the bus.
 */
final class AttentionTask implements AutoCloseable {
    private static final int LOCAL = 64;
    private static final String[] TASKS = {"scores", "rows", "out", "probs", "dot", "ds", "dv", "dq", "dk"};
    // params: 0 backward, 1 pairs, 2 heads, 3 sq, 4 sk, 5 dk, 6 dv, 7..9 q rows (batch, head, row),
    //         10..12 k, 13..15 v, 16..18 o
    private final IntArray params = new IntArray(20);
    private FloatArray q, k, v, o, dout, lse, s, p, dsum, dq, dk, dv;
    private static final int FORWARD_TASKS = 3;   // TASKS[0..3) forward, the rest backward
    private final TornadoExecutionPlan[] plans = new TornadoExecutionPlan[2];
    private final WorkerGrid1D[] grids = new WorkerGrid1D[TASKS.length];
    private final GridScheduler[] schedulers = new GridScheduler[2];
    private int pass;   // of the launch being prepared: 0 forward, 1 backward
    private int generation;

    private static int base(IntArray p, int at, int pair) {
        int heads = p.get(2);
        return (pair / heads) * p.get(at) + (pair % heads) * p.get(at + 1);
    }

    private static float dotQK(IntArray p, FloatArray q, FloatArray k, int pair, int i, int j) {
        int qi = base(p, 7, pair) + i * p.get(9), kj = base(p, 10, pair) + j * p.get(12);
        float acc = 0f;
        for (int c = 0; c < p.get(5); c++) acc += q.get(qi + c) * k.get(kj + c);
        return acc / TornadoMath.sqrt((float) p.get(5));
    }

    static void scoreMatrix(KernelContext ctx, IntArray p, FloatArray q, FloatArray k, FloatArray s) {
        int sq = p.get(3), sk = p.get(4), t = ctx.globalIdx;
        if (p.get(0) == 0 && t < p.get(1) * sq * sk) s.set(t, dotQK(p, q, k, t / (sq * sk), (t / sk) % sq, t % sk));
    }

    static void rowStats(KernelContext ctx, IntArray p, FloatArray s, FloatArray lse, FloatArray pr) {
        int sq = p.get(3), sk = p.get(4), r = ctx.globalIdx;
        if (p.get(0) == 0 && r < p.get(1) * sq) {
            int b = r * sk;
            float m = s.get(b);
            for (int j = 1; j < sk; j++) m = TornadoMath.max(m, s.get(b + j));
            float sum = 0f;
            for (int j = 0; j < sk; j++) sum += TornadoMath.exp(s.get(b + j) - m);
            float l = m + TornadoMath.log(sum);
            lse.set(r, l);
            for (int j = 0; j < sk; j++) pr.set(b + j, TornadoMath.exp(s.get(b + j) - l));
        }
    }

    static void output(KernelContext ctx, IntArray p, FloatArray pr, FloatArray v, FloatArray o) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 0 && t < p.get(1) * sq * dv) {
            int pair = t / (sq * dv), i = (t / dv) % sq, e = t % dv;
            int vb = base(p, 13, pair), pb = (pair * sq + i) * sk;
            float acc = 0f;
            for (int j = 0; j < sk; j++) acc += pr.get(pb + j) * v.get(vb + j * p.get(15) + e);
            o.set(base(p, 16, pair) + i * p.get(18) + e, acc);
        }
    }

    static void probabilities(KernelContext ctx, IntArray p, FloatArray q, FloatArray k, FloatArray lse, FloatArray pr) {
        int sq = p.get(3), sk = p.get(4), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * sk) {
            int pair = t / (sq * sk), i = (t / sk) % sq;
            pr.set(t, TornadoMath.exp(dotQK(p, q, k, pair, i, t % sk) - lse.get(pair * sq + i)));
        }
    }

    static void rowDot(KernelContext ctx, IntArray p, FloatArray dout, FloatArray o, FloatArray dsum) {
        int sq = p.get(3), dv = p.get(6), r = ctx.globalIdx;
        if (p.get(0) == 1 && r < p.get(1) * sq) {
            int oi = base(p, 16, r / sq) + (r % sq) * p.get(18);
            float acc = 0f;
            for (int e = 0; e < dv; e++) acc += dout.get(oi + e) * o.get(oi + e);
            dsum.set(r, acc);
        }
    }

    static void scoreGrad(KernelContext ctx, IntArray p, FloatArray dout, FloatArray v, FloatArray pr, FloatArray dsum, FloatArray s) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * sk) {
            int pair = t / (sq * sk), i = (t / sk) % sq, j = t % sk;
            int oi = base(p, 16, pair) + i * p.get(18), vj = base(p, 13, pair) + j * p.get(15);
            float acc = 0f;
            for (int e = 0; e < dv; e++) acc += dout.get(oi + e) * v.get(vj + e);
            s.set(t, pr.get(t) * (acc - dsum.get(pair * sq + i)) / TornadoMath.sqrt((float) p.get(5)));
        }
    }

    static void gradV(KernelContext ctx, IntArray p, FloatArray pr, FloatArray dout, FloatArray dvOut) {
        int sq = p.get(3), sk = p.get(4), dv = p.get(6), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sk * dv) {
            int pair = t / (sk * dv), j = (t / dv) % sk, e = t % dv;
            int ob = base(p, 16, pair);
            float acc = 0f;
            for (int i = 0; i < sq; i++) acc += pr.get((pair * sq + i) * sk + j) * dout.get(ob + i * p.get(18) + e);
            dvOut.set(base(p, 13, pair) + j * p.get(15) + e, acc);
        }
    }

    static void gradQ(KernelContext ctx, IntArray p, FloatArray s, FloatArray k, FloatArray dqOut) {
        int sq = p.get(3), sk = p.get(4), dk = p.get(5), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sq * dk) {
            int pair = t / (sq * dk), i = (t / dk) % sq, c = t % dk;
            int kb = base(p, 10, pair), sb = (pair * sq + i) * sk;
            float acc = 0f;
            for (int j = 0; j < sk; j++) acc += s.get(sb + j) * k.get(kb + j * p.get(12) + c);
            dqOut.set(base(p, 7, pair) + i * p.get(9) + c, acc);
        }
    }

    static void gradK(KernelContext ctx, IntArray p, FloatArray s, FloatArray q, FloatArray dkOut) {
        int sq = p.get(3), sk = p.get(4), dk = p.get(5), t = ctx.globalIdx;
        if (p.get(0) == 1 && t < p.get(1) * sk * dk) {
            int pair = t / (sk * dk), j = (t / dk) % sk, c = t % dk;
            int qb = base(p, 7, pair);
            float acc = 0f;
            for (int i = 0; i < sq; i++) acc += s.get((pair * sq + i) * sk + j) * q.get(qb + i * p.get(9) + c);
            dkOut.set(base(p, 10, pair) + j * p.get(12) + c, acc);
        }
    }

    synchronized void forward(float[] hq, float[] hk, float[] hv, float[] hout, float[] hlse, Geometry g) {
        prepare(g, 0, hq, hk, hv, hout.length);
        int pairs = g.batch() * g.heads();
        launch(new long[] {(long) pairs * g.sq() * g.sk(), (long) pairs * g.sq(), (long) pairs * g.sq() * g.dv(), 1, 1, 1, 1, 1, 1});
        Staging.get(o, hout, hout.length);
        Staging.get(lse, hlse, pairs * g.sq());
    }

    synchronized void backward(float[] hq, float[] hk, float[] hv, float[] hout, float[] hlse, float[] hdout,
                               float[] hdq, float[] hdk, float[] hdv, Geometry g) {
        prepare(g, 1, hq, hk, hv, hout.length);
        int pairs = g.batch() * g.heads();
        Staging.put(hout, hout.length, o);
        Staging.put(hdout, hdout.length, dout);
        Staging.put(hlse, pairs * g.sq(), lse);
        long ij = (long) pairs * g.sq() * g.sk();
        launch(new long[] {1, 1, 1, ij, (long) pairs * g.sq(), ij, (long) pairs * g.sk() * g.dv(), (long) pairs * g.sq() * g.dk(), (long) pairs * g.sk() * g.dk()});
        Staging.get(dq, hdq, hdq.length);
        Staging.get(dk, hdk, hdk.length);
        Staging.get(dv, hdv, hdv.length);
    }

    private void prepare(Geometry g, int backward, float[] hq, float[] hk, float[] hv, int no) {
        int pairs = g.batch() * g.heads(), nq = hq.length, nk = hk.length, nv = hv.length;
        int nij = pairs * g.sq() * g.sk();
        if (!Staging.fits(q, nq) || !Staging.fits(k, nk) || !Staging.fits(v, nv) || !Staging.fits(s, nij) || !Staging.fits(lse, pairs * g.sq()) || !Staging.fits(o, no)) {
            rebuild(nq, nk, nv, no, nij, pairs * g.sq());
        }
        Staging.put(hq, nq, q);
        Staging.put(hk, nk, k);
        Staging.put(hv, nv, v);
        int[] ps = {backward, pairs, g.heads(), g.sq(), g.sk(), g.dk(), g.dv(),
            g.q().batch(), g.q().head(), g.q().row(), g.k().batch(), g.k().head(), g.k().row(),
            g.v().batch(), g.v().head(), g.v().row(), g.o().batch(), g.o().head(), g.o().row()};
        Staging.put(ps, ps.length, params);
        pass = backward;
    }

    private void launch(long[] items) {
        int from = pass == 0 ? 0 : FORWARD_TASKS, to = pass == 0 ? FORWARD_TASKS : TASKS.length;
        for (int t = from; t < to; t++) {
            grids[t].setGlobalWork((items[t] + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
            grids[t].setLocalWork(LOCAL, 1, 1);
        }
        Transfers.execute(plans[pass], schedulers[pass]);
    }

    private void rebuild(int nq, int nk, int nv, int no, int nij, int rows) {
        close();
        q = new FloatArray(Staging.capacity(nq));
        k = new FloatArray(Staging.capacity(nk));
        v = new FloatArray(Staging.capacity(nv));
        o = new FloatArray(Staging.capacity(no));
        dout = new FloatArray(Staging.capacity(no));
        dq = new FloatArray(Staging.capacity(nq));
        dk = new FloatArray(Staging.capacity(nk));
        dv = new FloatArray(Staging.capacity(nv));
        s = new FloatArray(Staging.capacity(nij));
        p = new FloatArray(Staging.capacity(nij));
        lse = new FloatArray(Staging.capacity(rows));
        dsum = new FloatArray(Staging.capacity(rows));
        String name = "attention" + (generation++);
        KernelContext ctx = new KernelContext();
        TaskGraph fwd = new TaskGraph(name + "fwd")
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, q, k, v)
            .task("scores", AttentionTask::scoreMatrix, ctx, params, q, k, s)
            .task("rows", AttentionTask::rowStats, ctx, params, s, lse, p)
            .task("out", AttentionTask::output, ctx, params, p, v, o)
            .transferToHost(DataTransferMode.EVERY_EXECUTION, o, lse);
        KernelContext bctx = new KernelContext();
        TaskGraph bwd = new TaskGraph(name + "bwd")
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, q, k, v, o, dout, lse)
            .task("probs", AttentionTask::probabilities, bctx, params, q, k, lse, p)
            .task("dot", AttentionTask::rowDot, bctx, params, dout, o, dsum)
            .task("ds", AttentionTask::scoreGrad, bctx, params, dout, v, p, dsum, s)
            .task("dv", AttentionTask::gradV, bctx, params, p, dout, dv)
            .task("dq", AttentionTask::gradQ, bctx, params, s, k, dq)
            .task("dk", AttentionTask::gradK, bctx, params, s, q, dk)
            .transferToHost(DataTransferMode.EVERY_EXECUTION, dq, dk, dv);
        TaskGraph[] tg = {fwd, bwd};
        for (int k2 = 0; k2 < 2; k2++) {
            schedulers[k2] = new GridScheduler();
            for (int t = k2 == 0 ? 0 : FORWARD_TASKS; t < (k2 == 0 ? FORWARD_TASKS : TASKS.length); t++) {
                grids[t] = new WorkerGrid1D(LOCAL);
                schedulers[k2].addWorkerGrid(tg[k2].getTaskGraphName() + "." + TASKS[t], grids[t]);
            }
            plans[k2] = new TornadoExecutionPlan(tg[k2].snapshot());
        }
    }

    @Override
    public synchronized void close() {
        ExecutionPlans.closeAll(plans, "attention");
    }
}
