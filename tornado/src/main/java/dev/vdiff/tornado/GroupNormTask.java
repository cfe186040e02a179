package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.DoubleArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * GroupNorm forward and backward on the device ({@code x [N, C, L]}, groups of {@code cg = C/G} channels,
 * a block = one sample's group = {@code m = cg*L} contiguous elements), as in {@code GroupNormKernels}.
 *
 * <p>Forward, two tasks in one graph: {@code stats} gives each block a work-group of {@link #LOCAL}
 * work-items that sum strided slices in double and combine them by a tree in local memory (fixed order:
 * the same bits on every run), first the mean, then the biased variance around it; {@code apply} is one
 * work-item per element. Backward: {@code channel} reduces {@code sum g} and {@code sum g (x - mu) rstd}
 * per (sample, channel) the same way (the dbPart, dwPart outputs), then {@code dx} is one work-item per
 * element, combining its block's channel sums in channel order.
 */
final class GroupNormTask implements AutoCloseable {
    static final int LOCAL = 256;

    private final IntArray params = new IntArray(8);   // n, c, l, groups, affine
    private final DoubleArray eps = new DoubleArray(1);
    private FloatArray x, w, b, out, g, dx;
    private DoubleArray mean, rstd, dwPart, dbPart;
    private TornadoExecutionPlan forwardPlan, backwardPlan;
    private WorkerGrid1D statsGrid, applyGrid, channelGrid, dxGrid;
    private GridScheduler forwardScheduler, backwardScheduler;
    private int generation;

    static void groupStats(KernelContext ctx, IntArray p, DoubleArray eps, FloatArray x, DoubleArray mean, DoubleArray rstd) {
        int c = p.get(1), l = p.get(2), groups = p.get(3);
        int m = (c / groups) * l;
        int blk = ctx.groupIdx, lid = ctx.localIdx, base = blk * m;
        double[] loc = ctx.allocateDoubleLocalArray(LOCAL);
        double s = 0;
        for (int i = lid; i < m; i += LOCAL) s += x.get(base + i);
        loc[lid] = s;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) loc[lid] = loc[lid] + loc[lid + stride];
            ctx.localBarrier();
        }
        double mu = loc[0] / m;
        ctx.localBarrier();   // everyone has read loc[0] before it is reused

        double q = 0;
        for (int i = lid; i < m; i += LOCAL) {
            double d = x.get(base + i) - mu;
            q += d * d;
        }
        loc[lid] = q;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) loc[lid] = loc[lid] + loc[lid + stride];
            ctx.localBarrier();
        }
        if (lid == 0) {
            mean.set(blk, mu);
            rstd.set(blk, 1.0 / TornadoMath.sqrt(loc[0] / m + eps.get(0)));
        }
    }

    static void scaleShift(KernelContext ctx, IntArray p, FloatArray x, FloatArray w, FloatArray b, DoubleArray mean, DoubleArray rstd, FloatArray out) {
        int n = p.get(0), c = p.get(1), l = p.get(2), groups = p.get(3), affine = p.get(4);
        int cg = c / groups, m = cg * l;
        int i = ctx.globalIdx;
        if (i < n * c * l) {
            int blk = i / m, ch = (blk % groups) * cg + (i % m) / l;
            double r = rstd.get(blk);
            float s = (float) r, t = 0f;
            if (affine == 1) {
                s = (float) (r * w.get(ch));
                t = b.get(ch);
            }
            out.set(i, (x.get(i) - (float) mean.get(blk)) * s + t);
        }
    }

    static void channelSums(KernelContext ctx, IntArray p, FloatArray x, FloatArray g, DoubleArray mean, DoubleArray rstd, DoubleArray dwPart, DoubleArray dbPart) {
        int c = p.get(1), l = p.get(2), groups = p.get(3);
        int pc = ctx.groupIdx, lid = ctx.localIdx;          // pc = sample * C + channel
        int blk = (pc / c) * groups + (pc % c) / (c / groups);
        int off = pc * l;
        double mu = mean.get(blk);
        double[] sg = ctx.allocateDoubleLocalArray(LOCAL);
        double[] sgx = ctx.allocateDoubleLocalArray(LOCAL);
        double a = 0, d = 0;
        for (int i = lid; i < l; i += LOCAL) {
            double gi = g.get(off + i);
            a += gi;
            d += gi * (x.get(off + i) - mu);
        }
        sg[lid] = a;
        sgx[lid] = d;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) {
                sg[lid] = sg[lid] + sg[lid + stride];
                sgx[lid] = sgx[lid] + sgx[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            dbPart.set(pc, sg[0]);
            dwPart.set(pc, sgx[0] * rstd.get(blk));
        }
    }

    static void inputGrad(KernelContext ctx, IntArray p, FloatArray x, FloatArray w, FloatArray g, DoubleArray mean, DoubleArray rstd,
                          DoubleArray dwPart, DoubleArray dbPart, FloatArray dx) {
        int n = p.get(0), c = p.get(1), l = p.get(2), groups = p.get(3), affine = p.get(4);
        int cg = c / groups, m = cg * l;
        int i = ctx.globalIdx;
        if (i < n * c * l) {
            int blk = i / m, c0 = (blk % groups) * cg, pc0 = (blk / groups) * c + c0, ch = c0 + (i % m) / l;
            double r = rstd.get(blk), sumGw = 0, sumGwXhat = 0;
            for (int k = 0; k < cg; k++) {
                double wk = 1;
                if (affine == 1) wk = w.get(c0 + k);
                sumGw += wk * dbPart.get(pc0 + k);
                sumGwXhat += wk * dwPart.get(pc0 + k);
            }
            float kk = (float) (r * sumGwXhat / m * r), rr = (float) (r * sumGw / m);
            float a = (float) r;
            if (affine == 1) a = (float) (r * w.get(ch));
            dx.set(i, a * g.get(i) - kk * (x.get(i) - (float) mean.get(blk)) - rr);
        }
    }

    synchronized void forward(float[] hx, float[] hw, float[] hb, float[] hout, double[] hmean, double[] hrstd,
                              int n, int c, int l, int groups, double e) {
        int total = n * c * l, blocks = n * groups;
        ensure(total, n * c, c);
        Staging.put(hx, total, x);
        setParams(n, c, l, groups, hw, hb);
        eps.set(0, e);
        statsGrid.setGlobalWork((long) blocks * LOCAL, 1, 1);
        statsGrid.setLocalWork(LOCAL, 1, 1);
        applyGrid.setGlobalWork(roundUp(total), 1, 1);
        applyGrid.setLocalWork(LOCAL, 1, 1);
        Transfers.execute(forwardPlan, forwardScheduler);
        Staging.get(out, hout, total);
        Staging.get(mean, hmean, blocks);
        Staging.get(rstd, hrstd, blocks);
    }

    synchronized void backward(float[] hx, float[] hw, float[] hg, double[] hmean, double[] hrstd,
                               float[] hdx, double[] hdw, double[] hdb, int n, int c, int l, int groups) {
        int total = n * c * l, blocks = n * groups;
        ensure(total, n * c, c);
        Staging.put(hx, total, x);
        Staging.put(hg, total, g);
        Staging.put(hmean, blocks, mean);
        Staging.put(hrstd, blocks, rstd);
        setParams(n, c, l, groups, hw, null);
        channelGrid.setGlobalWork((long) n * c * LOCAL, 1, 1);
        channelGrid.setLocalWork(LOCAL, 1, 1);
        dxGrid.setGlobalWork(roundUp(total), 1, 1);
        dxGrid.setLocalWork(LOCAL, 1, 1);
        Transfers.execute(backwardPlan, backwardScheduler);
        Staging.get(dwPart, hdw, n * c);
        Staging.get(dbPart, hdb, n * c);
        if (hdx != null) Staging.get(dx, hdx, total);
    }

    private void setParams(int n, int c, int l, int groups, float[] hw, float[] hb) {
        Staging.put(new int[] {n, c, l, groups, hw == null ? 0 : 1}, 5, params);
        if (hw != null) Staging.put(hw, c, w);
        if (hb != null) Staging.put(hb, c, b);
    }

    private static long roundUp(int total) {
        return (long) (total + LOCAL - 1) / LOCAL * LOCAL;
    }

    private void ensure(int total, int nc, int c) {
        if (Staging.fits(x, total) && Staging.fits(dwPart, nc) && Staging.fits(w, c)) return;
        close();
        int cap = Staging.capacity(total), capNc = Staging.capacity(nc);
        x = new FloatArray(cap);
        out = new FloatArray(cap);
        g = new FloatArray(cap);
        dx = new FloatArray(cap);
        w = new FloatArray(Staging.capacity(c));
        b = new FloatArray(Staging.capacity(c));
        mean = new DoubleArray(capNc);
        rstd = new DoubleArray(capNc);
        dwPart = new DoubleArray(capNc);
        dbPart = new DoubleArray(capNc);
        String f = "gnf" + generation, bw = "gnb" + generation;
        generation++;
        KernelContext ctx = new KernelContext();
        TaskGraph fg = new TaskGraph(f)
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, eps, x, w, b)
            .task("stats", GroupNormTask::groupStats, ctx, params, eps, x, mean, rstd)
            .task("apply", GroupNormTask::scaleShift, ctx, params, x, w, b, mean, rstd, out)
            .transferToHost(DataTransferMode.EVERY_EXECUTION, out, mean, rstd);
        TaskGraph bg = new TaskGraph(bw)
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, x, w, g, mean, rstd)
            .task("channel", GroupNormTask::channelSums, ctx, params, x, g, mean, rstd, dwPart, dbPart)
            .task("dx", GroupNormTask::inputGrad, ctx, params, x, w, g, mean, rstd, dwPart, dbPart, dx)
            .transferToHost(DataTransferMode.EVERY_EXECUTION, dwPart, dbPart, dx);
        statsGrid = new WorkerGrid1D(LOCAL);
        applyGrid = new WorkerGrid1D(LOCAL);
        channelGrid = new WorkerGrid1D(LOCAL);
        dxGrid = new WorkerGrid1D(LOCAL);
        forwardScheduler = new GridScheduler();
        forwardScheduler.addWorkerGrid(f + ".stats", statsGrid);
        forwardScheduler.addWorkerGrid(f + ".apply", applyGrid);
        backwardScheduler = new GridScheduler();
        backwardScheduler.addWorkerGrid(bw + ".channel", channelGrid);
        backwardScheduler.addWorkerGrid(bw + ".dx", dxGrid);
        forwardPlan = new TornadoExecutionPlan(fg.snapshot());
        backwardPlan = new TornadoExecutionPlan(bg.snapshot());
    }

    @Override
    public synchronized void close() {
        try {
            if (forwardPlan != null) forwardPlan.close();
            if (backwardPlan != null) backwardPlan.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the group-norm execution plans", e);
        }
        forwardPlan = null;
        backwardPlan = null;
    }
}
