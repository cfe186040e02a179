package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.OptimizerKernels;
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
 * The optimizer on the device, in the arena ({@code OptimizerKernels}; {@code optim.AdamW}, {@code Ema},
 * {@code GradClip}): every array is one parameter's storage [n] or its gradient, moments m and v, or EMA average
 * (same length), each a region of the arena. AdamW and the EMA are one work-item per element, computed in double from
 * the stored floats as the JVM loops are; the parameter, m and v (the average) are updated in place on the device and
 * registered as newer there ({@code HostCopy}), so a step moves no parameter, gradient or moment over the bus, and a
 * checkpoint or any host read brings them home. Clipping's sum of squares gives each block of
 * {@link OptimizerKernels#BLOCK} elements a work-group of {@link #LOCAL} work-items (strided sums in double, a fixed
 * tree in local memory), and only the blocks' partial sums come home (8 bytes per block), added in block order;
 * its scaling is one work-item per element.
 *
 * <p>In place and the soundness rule of the arena (docs/TORNADO.md): each updated array is first made current on the
 * device by {@link DeviceArena#input} (used where it is when the device holds its newest values, uploaded when the
 * host's differ), and only then written by the kernel; so nothing the host wrote is lost, and a host read afterwards
 * goes through {@code HostCopy.bringHome}.
 */
final class OptimizerTask implements DeviceArena.User {
    static final int LOCAL = 256;
    private static final int ADAMW = 0, EMA = 1, SUMSQ = 2, SCALE = 3, SGD = 4;

    // n, arena offsets of 1 p/shadow/x, 2 g/param, 3 m, 4 v; 5 the coefficients, a launch constant (DeviceArena.encode,
    // 3 floats each): AdamW decay, beta1, beta2, eps, stepSize, bc2Sqrt; EMA w; scale c
    private final IntArray params = new IntArray(8);
    private final SharedArena shared;
    private DoubleArray partials;                              // [blocks] of the sum of squares: part of the arena's plan
    private int partialCapacity = 256;                         // grows (and the arena plan is rebuilt) for > 2^22 elements
    private final WorkerGrid1D[] grids = new WorkerGrid1D[5];
    private final GridScheduler[] schedulers = new GridScheduler[5];

    OptimizerTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    /** A coefficient stored as three floats at o (DeviceArena.encode(double[])): exactly the double the host had. */
    private static double coef(FloatArray mem, int o) {
        return ((double) mem.get(o) + (double) mem.get(o + 1)) + (double) mem.get(o + 2);
    }

    /** AdamW, one element per work-item: the expression of {@code OptimizerKernels.adamwScalar} (float32). */
    static void adamw(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(0)) {
            int po = p.get(1) + i, go = p.get(2) + i, mo = p.get(3) + i, vo = p.get(4) + i;
            double b1 = coef(mem, p.get(5) + 3 * 1), b2 = coef(mem, p.get(5) + 3 * 2);
            double gi = mem.get(go);
            double mOld = mem.get(mo), vOld = mem.get(vo);
            double pd = (float) (mem.get(po) * coef(mem, p.get(5) + 3 * 0));
            float mi = (float) (mOld + (1 - b1) * (gi - mOld));
            float vi = (float) (b2 * vOld + (1 - b2) * gi * gi);
            double denom = TornadoMath.sqrt((double) vi) / coef(mem, p.get(5) + 3 * 5) + coef(mem, p.get(5) + 3 * 3);
            mem.set(mo, mi);
            mem.set(vo, vi);
            mem.set(po, (float) (pd - coef(mem, p.get(5) + 3 * 4) * mi / denom));
        }
    }

    /** EMA, one element per work-item: shadow = shadow + w (param - shadow), in double, rounded to float. */
    static void ema(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(0)) {
            int so = p.get(1) + i;
            double s = mem.get(so);
            mem.set(so, (float) (s + coef(mem, p.get(5) + 3 * 0) * (mem.get(p.get(2) + i) - s)));
        }
    }

    /** Sum of squares: work-group b sums block b (BLOCK elements) in double, strided, then a fixed tree; partials[b]. */
    static void sumOfSquares(KernelContext ctx, IntArray p, FloatArray mem, DoubleArray partials) {
        int n = p.get(0), xo = p.get(1);
        int blk = ctx.groupIdx, lid = ctx.localIdx;
        int lo = blk * OptimizerKernels.BLOCK;
        int hi = TornadoMath.min(n, lo + OptimizerKernels.BLOCK);
        double[] loc = ctx.allocateDoubleLocalArray(LOCAL);
        double s = 0;
        for (int i = lo + lid; i < hi; i += LOCAL) {
            double x = mem.get(xo + i);
            s += x * x;
        }
        loc[lid] = s;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) loc[lid] = loc[lid] + loc[lid + stride];
            ctx.localBarrier();
        }
        if (lid == 0) partials.set(blk, loc[0]);
    }

    /** x = x * c (float32 products), one element per work-item. */
    static void scale(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(0)) {
            int xo = p.get(1) + i;
            mem.set(xo, mem.get(xo) * (float) coef(mem, p.get(5) + 3 * 0));
        }
    }

    /**
     * SGD, one element per work-item (tor8, session 8): {@code SgdKernels.range}'s expression; p[6] flags: 1 a momentum
     * buffer (at p[3]), 2 Nesterov, 4 its first step; lr, momentum, dampening, weight decay a launch constant at p[5].
     */
    static void sgd(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(0)) {
            int po = p.get(1) + i, go = p.get(2) + i, bo = p.get(3) + i, c = p.get(5), flags = p.get(6);
            double lr = coef(mem, c), momentum = coef(mem, c + 3), dampening = coef(mem, c + 6), weightDecay = coef(mem, c + 9);
            double d = (float) (mem.get(go) + weightDecay * mem.get(po));
            if ((flags & 1) != 0) {
                float b;
                if ((flags & 4) != 0) b = (float) d;
                else b = (float) (momentum * mem.get(bo) + (1 - dampening) * d);
                mem.set(bo, b);
                if ((flags & 2) != 0) d = (float) (d + momentum * b);
                else d = b;
            }
            mem.set(po, (float) (mem.get(po) - lr * d));
        }
    }

    /** One SGD step in place: p [n] (and the momentum buffer [n], null without momentum) from g [n]. */
    void sgd(float[] hp, float[] hg, float[] hb, int n, dev.vdiff.tensor.kernels.SgdKernels.Step s) {
        DeviceArena a = hb == null ? shared.get(n, n) : shared.get(n, n, n);
        a.begin();
        int po = a.input(hp, n), go = a.input(hg, n);
        int bo = hb == null ? 0 : s.first() ? a.output(hb, n) : a.input(hb, n);   // the first step only writes the buffer
        int co = a.constant(DeviceArena.encode(new double[] {s.lr(), s.momentum(), s.dampening(), s.weightDecay()}));
        int flags = (hb != null ? 1 : 0) | (s.nesterov() ? 2 : 0) | (s.first() ? 4 : 0);
        Staging.put(new int[] {n, po, go, bo, 0, co, flags}, 7, params);
        launch(a, SGD, n);
        a.result(hp, po, n);
        if (hb != null) a.result(hb, bo, n);
    }

    /** One AdamW step in place: p, m, v [n] from g [n]. */
    void adamw(float[] hp, float[] hg, float[] hm, float[] hv, int n, OptimizerKernels.AdamWStep s) {
        DeviceArena a = shared.get(n, n, n, n);
        a.begin();
        int po = a.input(hp, n), go = a.input(hg, n), mo = a.input(hm, n), vo = a.input(hv, n);
        // the coefficients are the same for every parameter tensor of a step: sent once per step, then found in the arena
        int co = a.constant(DeviceArena.encode(new double[] {s.decay(), s.beta1(), s.beta2(), s.eps(), s.stepSize(), s.bc2Sqrt()}));
        Staging.put(new int[] {n, po, go, mo, vo, co}, 6, params);
        launch(a, ADAMW, n);
        a.result(hp, po, n);
        a.result(hm, mo, n);
        a.result(hv, vo, n);
    }

    /** shadow [n] += w (param [n] - shadow) in place. */
    void ema(float[] hs, float[] hparam, int n, double w) {
        DeviceArena a = shared.get(n, n);
        a.begin();
        int so = a.input(hs, n), qo = a.input(hparam, n);
        Staging.put(new int[] {n, so, qo, 0, 0, a.constant(DeviceArena.encode(new double[] {w}))}, 6, params);
        launch(a, EMA, n);
        a.result(hs, so, n);
    }

    /** The sum of squares of x [n]: per-block sums on the device (fixed tree), added here in block order. */
    double sumOfSquares(float[] hx, int n) {
        int blocks = (n + OptimizerKernels.BLOCK - 1) / OptimizerKernels.BLOCK;
        if (blocks > partialCapacity) {
            partialCapacity = Staging.capacity(blocks);
            shared.rebuild();
        }
        DeviceArena a = shared.get(n);
        a.begin();
        int xo = a.input(hx, n);
        Staging.put(new int[] {n, xo}, 2, params);
        grids[SUMSQ].setGlobalWork((long) blocks * LOCAL, 1, 1);
        grids[SUMSQ].setLocalWork(LOCAL, 1, 1);
        a.launch(this, SUMSQ, schedulers[SUMSQ]);
        double[] part = new double[blocks];
        a.download(partials, part, blocks);
        double s = 0;
        for (double v : part) s += v;
        return s;
    }

    /** x [n] *= c in place. */
    void scale(float[] hx, int n, float c) {
        DeviceArena a = shared.get(n);
        a.begin();
        int xo = a.input(hx, n);
        Staging.put(new int[] {n, xo, 0, 0, 0, a.constant(DeviceArena.encode(new double[] {c}))}, 6, params);
        launch(a, SCALE, n);
        a.result(hx, xo, n);
    }

    private void launch(DeviceArena a, int k, int n) {
        grids[k].setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[k].setLocalWork(LOCAL, 1, 1);
        a.launch(this, k, schedulers[k]);
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena a, String name) {
        partials = new DoubleArray(partialCapacity);
        java.util.List<TaskGraph> tg = java.util.List.of(
            a.finish(a.kernelGraph(name + "adamw", params)
                .task("t", OptimizerTask::adamw, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "ema", params)
                .task("t", OptimizerTask::ema, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "sumsq", params)
                .task("t", OptimizerTask::sumOfSquares, new KernelContext(), params, a.mem, partials)
                .transferToHost(DataTransferMode.UNDER_DEMAND, partials)),
            a.finish(a.kernelGraph(name + "scale", params)
                .task("t", OptimizerTask::scale, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "sgd", params)
                .task("t", OptimizerTask::sgd, new KernelContext(), params, a.mem)));
        for (int k = 0; k < tg.size(); k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }
}
