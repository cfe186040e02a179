package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Softmax and log-softmax along the middle axis of {@code [outer, R, inner]}, forward and backward, on the
 * device: one work-item per (outer, inner) line, which walks its R elements in order (max, then the sum of
 * exponentials in double, then the outputs), so the reduction order is fixed. Consecutive work-items read
 * consecutive inner positions, so the loads coalesce when inner > 1.
 */
final class SoftmaxTask implements DeviceArena.User {
    private static final int LOCAL = 64;

    private final IntArray params = new IntArray(8);   // outer, r, inner, log | back<<1, arena offsets of x, y, g, dx
    private final SharedArena shared;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[2];   // [0] forward, [1] backward
    private final GridScheduler[] schedulers = new GridScheduler[2];

    SoftmaxTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    static void lines(KernelContext ctx, IntArray p, FloatArray mem) {
        int line = ctx.globalIdx;
        int outer = p.get(0), r = p.get(1), inner = p.get(2), mode = p.get(3);
        int xo = p.get(4), yo = p.get(5), go = p.get(6), dxo = p.get(7);
        int log = mode & 1, back = mode >> 1;
        if (line < outer * inner) {
            int base = (line / inner) * r * inner + line % inner;
            if (back == 0) {
                float m = mem.get(xo + base);
                for (int k = 1; k < r; k++) m = TornadoMath.max(m, mem.get(xo + base + k * inner));
                double s = 0;
                for (int k = 0; k < r; k++) s += TornadoMath.exp(mem.get(xo + base + k * inner) - m);
                if (log == 1) {
                    double ls = TornadoMath.log(s);
                    for (int k = 0; k < r; k++) mem.set(yo + base + k * inner, (float) ((mem.get(xo + base + k * inner) - m) - ls));
                } else {
                    double inv = 1.0 / s;
                    for (int k = 0; k < r; k++) mem.set(yo + base + k * inner, (float) (TornadoMath.exp(mem.get(xo + base + k * inner) - m) * inv));
                }
            } else {
                double s = 0;
                if (log == 1) {
                    for (int k = 0; k < r; k++) s += mem.get(go + base + k * inner);
                    for (int k = 0; k < r; k++) {
                        int q = base + k * inner;
                        mem.set(dxo + q, (float) (mem.get(go + q) - TornadoMath.exp(mem.get(yo + q)) * s));
                    }
                } else {
                    for (int k = 0; k < r; k++) s += (double) mem.get(go + base + k * inner) * mem.get(yo + base + k * inner);
                    for (int k = 0; k < r; k++) {
                        int q = base + k * inner;
                        mem.set(dxo + q, (float) (mem.get(yo + q) * (mem.get(go + q) - s)));
                    }
                }
            }
        }
    }

    void forward(boolean log, float[] hx, float[] hy, int outer, int r, int inner) {
        int n = outer * r * inner;
        DeviceArena m = shared.get(n, n);
        m.begin();
        int xo = m.input(hx, n), yo = m.output(hy, n);
        launch(m, n, outer, r, inner, log ? 1 : 0, xo, yo, 0, 0);
        m.result(hy, yo, n);
    }

    void backward(boolean log, float[] hy, float[] hg, float[] hdx, int outer, int r, int inner) {
        int n = outer * r * inner;
        DeviceArena m = shared.get(n, n, n);
        m.begin();
        int yo = m.input(hy, n), go = m.input(hg, n), dxo = m.output(hdx, n);
        launch(m, n, outer, r, inner, (log ? 1 : 0) | 2, 0, yo, go, dxo);
        m.result(hdx, dxo, n);
    }

    private void launch(DeviceArena m, int n, int outer, int r, int inner, int mode, int xo, int yo, int go, int dxo) {
        Staging.put(new int[] {outer, r, inner, mode, xo, yo, go, dxo}, 8, params);
        long lines = (long) outer * inner;
        int k = mode >> 1;
        grids[k].setGlobalWork((lines + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[k].setLocalWork(LOCAL, 1, 1);
        m.launch(this, k, schedulers[k]);
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena m, String name) {
        java.util.List<TaskGraph> tg = java.util.List.of(
            m.finish(m.kernelGraph(name + "smfwd", params).task("t", SoftmaxTask::lines, new KernelContext(), params, m.mem)),
            m.finish(m.kernelGraph(name + "smbwd", params).task("t", SoftmaxTask::lines, new KernelContext(), params, m.mem)));
        for (int k = 0; k < 2; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }
}
