package dev.vdiff.tornado;

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
 * Softmax and log-softmax along the middle axis of {@code [outer, R, inner]}, forward and backward, on the
 * device: one work-item per (outer, inner) line, which walks its R elements in order (max, then the sum of
 * exponentials in double, then the outputs), so the reduction order is fixed. Consecutive work-items read
 * consecutive inner positions, so the loads coalesce when inner > 1.
 */
final class SoftmaxTask implements AutoCloseable {
    private static final int LOCAL = 64;

    private final IntArray params = new IntArray(4);   // outer, r, inner, log | back<<1
    private FloatArray x, y, g, dx;
    // [0] forward: moves x in, y out; [1] backward: moves y, g in, dx out (nothing else crosses)
    private final TornadoExecutionPlan[] plans = new TornadoExecutionPlan[2];
    private final WorkerGrid1D[] grids = new WorkerGrid1D[2];
    private final GridScheduler[] schedulers = new GridScheduler[2];
    private int generation;

    static void lines(KernelContext ctx, IntArray p, FloatArray x, FloatArray y, FloatArray g, FloatArray dx) {
        int line = ctx.globalIdx;
        int outer = p.get(0), r = p.get(1), inner = p.get(2), mode = p.get(3);
        int log = mode & 1, back = mode >> 1;
        if (line < outer * inner) {
            int base = (line / inner) * r * inner + line % inner;
            if (back == 0) {
                float m = x.get(base);
                for (int k = 1; k < r; k++) m = TornadoMath.max(m, x.get(base + k * inner));
                double s = 0;
                for (int k = 0; k < r; k++) s += TornadoMath.exp(x.get(base + k * inner) - m);
                if (log == 1) {
                    double ls = TornadoMath.log(s);
                    for (int k = 0; k < r; k++) y.set(base + k * inner, (float) ((x.get(base + k * inner) - m) - ls));
                } else {
                    double inv = 1.0 / s;
                    for (int k = 0; k < r; k++) y.set(base + k * inner, (float) (TornadoMath.exp(x.get(base + k * inner) - m) * inv));
                }
            } else {
                double s = 0;
                if (log == 1) {
                    for (int k = 0; k < r; k++) s += g.get(base + k * inner);
                    for (int k = 0; k < r; k++) {
                        int q = base + k * inner;
                        dx.set(q, (float) (g.get(q) - TornadoMath.exp(y.get(q)) * s));
                    }
                } else {
                    for (int k = 0; k < r; k++) s += (double) g.get(base + k * inner) * y.get(base + k * inner);
                    for (int k = 0; k < r; k++) {
                        int q = base + k * inner;
                        dx.set(q, (float) (y.get(q) * (g.get(q) - s)));
                    }
                }
            }
        }
    }

    synchronized void forward(boolean log, float[] hx, float[] hy, int outer, int r, int inner) {
        int n = outer * r * inner;
        launch(hx, null, null, n, outer, r, inner, log ? 1 : 0);
        Staging.get(y, hy, n);
    }

    synchronized void backward(boolean log, float[] hy, float[] hg, float[] hdx, int outer, int r, int inner) {
        int n = outer * r * inner;
        launch(null, hy, hg, n, outer, r, inner, (log ? 1 : 0) | 2);
        Staging.get(dx, hdx, n);
    }

    private void launch(float[] hx, float[] hy, float[] hg, int n, int outer, int r, int inner, int mode) {
        if (!Staging.fits(x, n)) rebuild(n);
        if (hx != null) Staging.put(hx, n, x);
        if (hy != null) Staging.put(hy, n, y);
        if (hg != null) Staging.put(hg, n, g);
        Staging.put(new int[] {outer, r, inner, mode}, 4, params);
        long lines = (long) outer * inner;
        int k = mode >> 1;
        grids[k].setGlobalWork((lines + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[k].setLocalWork(LOCAL, 1, 1);
        Transfers.execute(plans[k], schedulers[k]);
    }

    private void rebuild(int n) {
        close();
        int cap = Staging.capacity(n);
        x = new FloatArray(cap);
        y = new FloatArray(cap);
        g = new FloatArray(cap);
        dx = new FloatArray(cap);
        String name = "softmax" + (generation++);
        TaskGraph[] tg = {
            new TaskGraph(name + "fwd").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, x)
                .task("t", SoftmaxTask::lines, new KernelContext(), params, x, y, g, dx).transferToHost(DataTransferMode.EVERY_EXECUTION, y),
            new TaskGraph(name + "bwd").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, y, g)
                .task("t", SoftmaxTask::lines, new KernelContext(), params, x, y, g, dx).transferToHost(DataTransferMode.EVERY_EXECUTION, dx)};
        for (int k = 0; k < 2; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg[k].getTaskGraphName() + ".t", grids[k]);
            plans[k] = new TornadoExecutionPlan(tg[k].snapshot());
        }
    }

    @Override
    public synchronized void close() {
        ExecutionPlans.closeAll(plans, "softmax");
    }
}
