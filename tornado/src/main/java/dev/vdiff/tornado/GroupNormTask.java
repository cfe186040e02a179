package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
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
 *
 * <p>The statistics stay on the device (no read-back after the forward, no upload before the backward): {@code stats}
 * also writes each block's mean and rstd into an arena region of {@code 6 * N*groups} floats, each double as three
 * floats {@code a = (float) d, b = (float) (d - a), c = (float) (d - a - b)} (the arena holds floats; {@code (a + b) + c}
 * gives the double back exactly for |d| >= 2^-97, see {@link #split}), and the backward reads that region.
 * The region is keyed by a float array that stands for the op's host mean array ({@link #stats}); the host
 * {@code double[]} mean and rstd are NOT filled by the forward (the op hands them only to this backend's backward;
 * {@link #statsHome} fills them when asked, for the cross-check). A backward handed statistics it did not compute
 * uploads them (the same split).
 */
final class GroupNormTask implements DeviceArena.User {
    static final int LOCAL = 256;

    // n, c, l, groups, affine, arena offsets of 5 x, 6 weight, 7 bias, 8 out, 9 g, 10 dx, 11 statistics (6 * n * groups)
    private final IntArray params = new IntArray(12);
    private final DoubleArray eps = new DoubleArray(1);
    private final SharedArena shared;
    private DoubleArray mean, rstd, dwPart, dbPart;   // [N * groups], [N * C]: part of the arena's plan
    private int doubleCapacity = 256;   // grows (and the arena plan is rebuilt) when N * C is larger
    private float[] scratch;                          // dx's region when the caller wants no dx
    /** The arena key of a forward's statistics [mean split (3 per block), rstd split (3 per block)], by its host mean array. */
    private final java.util.WeakHashMap<double[], float[]> stats = new java.util.WeakHashMap<>();
    private WorkerGrid1D statsGrid, applyGrid, channelGrid, dxGrid;
    private GridScheduler forwardScheduler, backwardScheduler;

    GroupNormTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    static void groupStats(KernelContext ctx, IntArray p, DoubleArray eps, FloatArray mem, DoubleArray mean, DoubleArray rstd) {
        int c = p.get(1), l = p.get(2), groups = p.get(3), xo = p.get(5);
        int m = (c / groups) * l;
        int blk = ctx.groupIdx, lid = ctx.localIdx, base = blk * m;
        double[] loc = ctx.allocateDoubleLocalArray(LOCAL);
        double s = 0;
        for (int i = lid; i < m; i += LOCAL) s += mem.get(xo + base + i);
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
            double d = mem.get(xo + base + i) - mu;
            q += d * d;
        }
        loc[lid] = q;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) loc[lid] = loc[lid] + loc[lid + stride];
            ctx.localBarrier();
        }
        if (lid == 0) {
            double r = 1.0 / TornadoMath.sqrt(loc[0] / m + eps.get(0));
            mean.set(blk, mu);
            rstd.set(blk, r);
            // the statistics region for the backward: each double as three floats (see split)
            int so = p.get(11) + 3 * blk, ro = so + 3 * p.get(0) * groups;
            float m0 = (float) mu;
            float m1 = (float) (mu - m0);
            mem.set(so, m0);
            mem.set(so + 1, m1);
            mem.set(so + 2, (float) (mu - m0 - m1));
            float r0 = (float) r;
            float r1 = (float) (r - r0);
            mem.set(ro, r0);
            mem.set(ro + 1, r1);
            mem.set(ro + 2, (float) (r - r0 - r1));
        }
    }

    /** The double stored as three floats at mem[o..o+3) (see split). */
    private static double joined(FloatArray mem, int o) {
        double ab = (double) mem.get(o) + (double) mem.get(o + 1);
        return ab + (double) mem.get(o + 2);
    }

    static void scaleShift(KernelContext ctx, IntArray p, FloatArray mem, DoubleArray mean, DoubleArray rstd) {
        int n = p.get(0), c = p.get(1), l = p.get(2), groups = p.get(3), affine = p.get(4);
        int xo = p.get(5), wo = p.get(6), bo = p.get(7), oo = p.get(8);
        int cg = c / groups, m = cg * l;
        int i = ctx.globalIdx;
        if (i < n * c * l) {
            int blk = i / m, ch = (blk % groups) * cg + (i % m) / l;
            double r = rstd.get(blk);
            float s = (float) r, t = 0f;
            if (affine == 1) {
                s = (float) (r * mem.get(wo + ch));
                t = mem.get(bo + ch);
            }
            mem.set(oo + i, (mem.get(xo + i) - (float) mean.get(blk)) * s + t);
        }
    }

    static void channelSums(KernelContext ctx, IntArray p, FloatArray mem, DoubleArray dwPart, DoubleArray dbPart) {
        int n = p.get(0), c = p.get(1), l = p.get(2), groups = p.get(3), xo = p.get(5), go = p.get(9), so = p.get(11);
        int pc = ctx.groupIdx, lid = ctx.localIdx;          // pc = sample * C + channel
        int blk = (pc / c) * groups + (pc % c) / (c / groups);
        int off = pc * l;
        double mu = joined(mem, so + 3 * blk);
        double[] sg = ctx.allocateDoubleLocalArray(LOCAL);
        double[] sgx = ctx.allocateDoubleLocalArray(LOCAL);
        double a = 0, d = 0;
        for (int i = lid; i < l; i += LOCAL) {
            double gi = mem.get(go + off + i);
            a += gi;
            d += gi * (mem.get(xo + off + i) - mu);
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
            dwPart.set(pc, sgx[0] * joined(mem, so + 3 * n * groups + 3 * blk));
        }
    }

    static void inputGrad(KernelContext ctx, IntArray p, FloatArray mem, DoubleArray dwPart, DoubleArray dbPart) {
        int n = p.get(0), c = p.get(1), l = p.get(2), groups = p.get(3), affine = p.get(4);
        int xo = p.get(5), wo = p.get(6), go = p.get(9), dxo = p.get(10), so = p.get(11);
        int cg = c / groups, m = cg * l;
        int i = ctx.globalIdx;
        if (i < n * c * l) {
            int blk = i / m, c0 = (blk % groups) * cg, pc0 = (blk / groups) * c + c0, ch = c0 + (i % m) / l;
            double r = joined(mem, so + 3 * n * groups + 3 * blk), sumGw = 0, sumGwXhat = 0;
            for (int k = 0; k < cg; k++) {
                double wk = 1;
                if (affine == 1) wk = mem.get(wo + c0 + k);
                sumGw += wk * dbPart.get(pc0 + k);
                sumGwXhat += wk * dwPart.get(pc0 + k);
            }
            float kk = (float) (r * sumGwXhat / m * r), rr = (float) (r * sumGw / m);
            float a = (float) r;
            if (affine == 1) a = (float) (r * mem.get(wo + ch));
            mem.set(dxo + i, a * mem.get(go + i) - kk * (mem.get(xo + i) - (float) joined(mem, so + 3 * blk)) - rr);
        }
    }

    void forward(float[] hx, float[] hw, float[] hb, float[] hout, double[] hmean, double[] hrstd,
                 int n, int c, int l, int groups, double e) {
        int total = n * c * l, blocks = n * groups;
        DeviceArena a = arena(n * c, total, c, c, total, 6 * blocks);
        a.begin();
        float[] hs = new float[6 * blocks];   // stands for this forward's statistics in the arena (never filled on the host unless asked)
        int xo = a.input(hx, total), wo = hw != null ? a.input(hw, c) : 0, bo = hb != null ? a.input(hb, c) : 0, oo = a.output(hout, total);
        int so = a.output(hs, 6 * blocks);
        Staging.put(new int[] {n, c, l, groups, hw == null ? 0 : 1, xo, wo, bo, oo, 0, 0, so}, 12, params);
        eps.set(0, e);
        statsGrid.setGlobalWork((long) blocks * LOCAL, 1, 1);
        statsGrid.setLocalWork(LOCAL, 1, 1);
        applyGrid.setGlobalWork(roundUp(total), 1, 1);
        applyGrid.setLocalWork(LOCAL, 1, 1);
        a.launch(this, 0, forwardScheduler);
        a.result(hout, oo, total);
        a.result(hs, so, 6 * blocks);
        stats.put(hmean, hs);
    }

    /** Fills the host mean and rstd [blocks] of a forward from its statistics on the device (the cross-check reads them). */
    void statsHome(double[] hmean, double[] hrstd) {
        float[] hs = stats.get(hmean);
        if (hs == null) throw new IllegalStateException("no group norm statistics on the device for this mean array");
        dev.vdiff.tensor.backend.HostCopy.bringHome(hs);
        int blocks = hs.length / 6;
        for (int b = 0; b < blocks; b++) {
            hmean[b] = ((double) hs[3 * b] + (double) hs[3 * b + 1]) + (double) hs[3 * b + 2];
            hrstd[b] = ((double) hs[3 * blocks + 3 * b] + (double) hs[3 * blocks + 3 * b + 1]) + (double) hs[3 * blocks + 3 * b + 2];
        }
    }

    /**
     * mean and rstd [blocks] as the forward kernel stores them: each double d as floats a = (float) d,
     * b = (float) (d - a), c = (float) (d - a - b). The differences are exact in double, and a, b, c hold 72 bits of
     * which d has 53, so (a + b) + c == d (a + b is exact: their bits span at most 48 places) for |d| >= 2^-97 (about
     * 6.3e-30; below it c underflows and the sum is off by at most 2^-150; on a device that flushes float subnormals,
     * as OpenCL allows, exact down to 2^-78 and off by less than 2^-126 below). rstd is at most 1/sqrt(eps), and a nonzero
     * mean of float32 data is that small only if the data are (CrossCheck checks the round trip from 1e-29 to 1e29).
     */
    static float[] split(double[] hmean, double[] hrstd, int blocks) {
        float[] hs = new float[6 * blocks];
        for (int b = 0; b < blocks; b++) {
            split(hmean[b], hs, 3 * b);
            split(hrstd[b], hs, 3 * blocks + 3 * b);
        }
        return hs;
    }

    private static void split(double d, float[] out, int o) {
        float a = (float) d;
        float b = (float) (d - a);
        out[o] = a;
        out[o + 1] = b;
        out[o + 2] = (float) (d - a - b);
    }

    void backward(float[] hx, float[] hw, float[] hg, double[] hmean, double[] hrstd,
                  float[] hdx, double[] hdw, double[] hdb, int n, int c, int l, int groups) {
        int total = n * c * l, blocks = n * groups;
        DeviceArena a = arena(n * c, total, c, total, total, 6 * blocks);
        a.begin();
        if (hdx == null && (scratch == null || scratch.length != total)) scratch = new float[total];   // dx is computed all the same
        float[] dxKey = hdx != null ? hdx : scratch;
        float[] hs = stats.get(hmean);   // this backend's forward left them on the device; otherwise they go up once
        if (hs == null || hs.length != 6 * blocks) {
            hs = split(hmean, hrstd, blocks);
            stats.put(hmean, hs);
        }
        int xo = a.input(hx, total), wo = hw != null ? a.input(hw, c) : 0, go = a.input(hg, total), dxo = a.output(dxKey, total);
        int so = a.input(hs, 6 * blocks);
        Staging.put(new int[] {n, c, l, groups, hw == null ? 0 : 1, xo, wo, 0, 0, go, dxo, so}, 12, params);
        channelGrid.setGlobalWork((long) n * c * LOCAL, 1, 1);
        channelGrid.setLocalWork(LOCAL, 1, 1);
        dxGrid.setGlobalWork(roundUp(total), 1, 1);
        dxGrid.setLocalWork(LOCAL, 1, 1);
        a.launch(this, 1, backwardScheduler);
        a.download(dwPart, hdw, n * c);
        a.download(dbPart, hdb, n * c);
        if (hdx != null) a.result(hdx, dxo, total);
    }

    /** The shared arena, rebuilt when the per-(sample, channel) double arrays (part of its plan) must grow. */
    private DeviceArena arena(int nc, int... lengths) {
        if (nc > doubleCapacity) {
            doubleCapacity = Staging.capacity(nc);
            shared.rebuild();
        }
        return shared.get(lengths);
    }

    private static long roundUp(int total) {
        return (long) (total + LOCAL - 1) / LOCAL * LOCAL;
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena a, String name) {
        mean = new DoubleArray(doubleCapacity);
        rstd = new DoubleArray(doubleCapacity);
        dwPart = new DoubleArray(doubleCapacity);
        dbPart = new DoubleArray(doubleCapacity);
        String f = name + "gnf", bw = name + "gnb";
        KernelContext ctx = new KernelContext();
        TaskGraph fg = a.finish(a.kernelGraph(f, params).transferToDevice(DataTransferMode.EVERY_EXECUTION, eps)
            .task("stats", GroupNormTask::groupStats, ctx, params, eps, a.mem, mean, rstd)
            .task("apply", GroupNormTask::scaleShift, ctx, params, a.mem, mean, rstd));
        TaskGraph bg = a.finish(a.kernelGraph(bw, params)
            .task("channel", GroupNormTask::channelSums, ctx, params, a.mem, dwPart, dbPart)
            .task("dx", GroupNormTask::inputGrad, ctx, params, a.mem, dwPart, dbPart)
            .transferToHost(DataTransferMode.UNDER_DEMAND, dwPart, dbPart));
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
        return java.util.List.of(fg, bg);
    }
}
