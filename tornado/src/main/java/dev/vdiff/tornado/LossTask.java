package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.ReduceKernels;
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
 * The regression losses of {@code ops.Losses} on the device, in the arena (tor8, session 8; {@code LossKernels}): the
 * training step's MSE between the network's output (a region the last kernel wrote) and the target, so that only the
 * loss comes home instead of the whole output, and its gradient is made where the backward pass reads it.
 *
 * <pre>
 *   sum:      work-item b walks block b (ReduceKernels.BLOCK elements) in index order, in double, as the JVM's
 *             blockedSum body does;  partials [blocks] ── bus (8 B a block) ──> pairwise sum in block order (the
 *             JVM's ReduceKernels.pairwise): the JVM's order, up to multiply-adds OpenCL may contract
 *   gradient: one work-item per element, da = (float) (2 k d) or (float) (k d / sqrt(d^2 + c^2)), d = (double) a - b
 * </pre>
 * k and c (doubles) are launch constants in the arena ({@link DeviceArena#constant}, three floats each, exact).
 */
final class LossTask implements DeviceArena.User {
    private static final int LOCAL = 64, SUM = 0, GRAD = 1;

    // n, arena offsets of 1 a, 2 b, 3 da; 4 the constants (k, c) as DeviceArena.encode(double[]); 5 pseudo-Huber?
    private final IntArray params = new IntArray(8);
    private final SharedArena shared;
    private DoubleArray partials;      // [blocks]: part of the arena's plan
    private int partialCapacity = 256; // grows (and the plan is rebuilt) for more than 2^20 elements
    private final WorkerGrid1D[] grids = new WorkerGrid1D[2];
    private final GridScheduler[] schedulers = new GridScheduler[2];

    LossTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    private static double constant(FloatArray mem, int o) {
        return ((double) mem.get(o) + (double) mem.get(o + 1)) + (double) mem.get(o + 2);
    }

    /** partials[blk] = the penalty summed over block blk, in index order (one work-item per block). */
    static void blockSums(KernelContext ctx, IntArray p, FloatArray mem, DoubleArray partials) {
        int blk = ctx.globalIdx, n = p.get(0);
        int lo = blk * ReduceKernels.BLOCK;
        if (lo < n) {
            int hi = TornadoMath.min(n, lo + ReduceKernels.BLOCK), ao = p.get(1), bo = p.get(2);
            double c = constant(mem, p.get(4) + 3), c2 = c * c;
            int huber = p.get(5);
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double d = (double) mem.get(ao + i) - (double) mem.get(bo + i);
                if (huber == 1) {
                    double d2 = d * d;
                    s += d2 / (TornadoMath.sqrt(d2 + c2) + c);
                } else {
                    s += d * d;
                }
            }
            partials.set(blk, s);
        }
    }

    /** da[i] = k p'(a[i] - b[i]), one work-item per element. */
    static void lossGradient(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(0)) {
            double k = constant(mem, p.get(4)), d = (double) mem.get(p.get(1) + i) - (double) mem.get(p.get(2) + i);
            float r;
            if (p.get(5) == 1) {
                double c = constant(mem, p.get(4) + 3);
                r = (float) (k * d / TornadoMath.sqrt(d * d + c * c));
            } else {
                r = (float) (2 * k * d);
            }
            mem.set(p.get(3) + i, r);
        }
    }

    /** See {@code KernelBackend.lossSum}. */
    double sum(float[] ha, float[] hb, int n, double huberC) {
        int blocks = (n + ReduceKernels.BLOCK - 1) / ReduceKernels.BLOCK;
        if (blocks > partialCapacity) {
            partialCapacity = Staging.capacity(blocks);
            shared.rebuild();
        }
        DeviceArena a = shared.get(n, n);
        a.begin();
        int ao = a.input(ha, n), bo = ha == hb ? ao : a.input(hb, n);
        int co = a.constant(DeviceArena.encode(new double[] {0, huberC < 0 ? 0 : huberC}));
        Staging.put(new int[] {n, ao, bo, 0, co, huberC < 0 ? 0 : 1}, 6, params);
        grids[SUM].setGlobalWork((long) (blocks + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[SUM].setLocalWork(LOCAL, 1, 1);
        a.launch(this, SUM, schedulers[SUM]);
        double[] part = new double[blocks];
        a.download(partials, part, blocks);
        return blocks == 1 ? part[0] : ReduceKernels.pairwise(part, 0, blocks);   // ReduceKernels.blockedSum's order
    }

    /** See {@code KernelBackend.lossGradient}: da is a fresh array of the op, left on the device. */
    void gradient(float[] ha, float[] hb, float[] hda, int n, double k, double huberC) {
        DeviceArena a = shared.get(n, n, n);
        a.begin();
        int ao = a.input(ha, n), bo = ha == hb ? ao : a.input(hb, n), dao = a.output(hda, n);
        int co = a.constant(DeviceArena.encode(new double[] {k, huberC < 0 ? 0 : huberC}));
        Staging.put(new int[] {n, ao, bo, dao, co, huberC < 0 ? 0 : 1}, 6, params);
        grids[GRAD].setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[GRAD].setLocalWork(LOCAL, 1, 1);
        a.launch(this, GRAD, schedulers[GRAD]);
        a.result(hda, dao, n);
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena a, String name) {
        partials = new DoubleArray(partialCapacity);
        java.util.List<TaskGraph> tg = java.util.List.of(
            a.finish(a.kernelGraph(name + "losssum", params)
                .task("t", LossTask::blockSums, new KernelContext(), params, a.mem, partials)
                .transferToHost(DataTransferMode.UNDER_DEMAND, partials)),
            a.finish(a.kernelGraph(name + "lossgrad", params)
                .task("t", LossTask::lossGradient, new KernelContext(), params, a.mem)));
        for (int k = 0; k < tg.size(); k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }
}
