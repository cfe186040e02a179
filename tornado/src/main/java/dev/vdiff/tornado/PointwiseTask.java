package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.UnaryKernels.Fn;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The pointwise maps y = f(x) and dx = g f'(x) on the device, one work-item per element. The function is a
 * launch parameter (its code below), so one compiled kernel serves all of them. Computed in float32 with
 * the device's exp/tanh/log/sqrt; {@link #SUPPORTED} lists the functions offloaded (POW and the exact GELU,
 * which needs erf, stay on the JVM).
 */
final class PointwiseTask implements DeviceArena.User {
    static final java.util.Set<Fn> SUPPORTED = java.util.EnumSet.of(Fn.EXP, Fn.LOG, Fn.SQRT, Fn.SQUARE, Fn.TANH,
        Fn.SIGMOID, Fn.CLAMP, Fn.SILU, Fn.GELU_TANH);
    private static final int LOCAL = 256;
    private static final float GELU_K = 0.7978845608028654f, GELU_C = 0.044715f;

    private final IntArray params = new IntArray(8);   // n, fn code, backward?, -, arena offsets of x, y, g, dx
    private final FloatArray scalars = new FloatArray(2);   // a, b (CLAMP bounds)
    private final SharedArena shared;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[2];   // [0] forward, [1] backward
    private final GridScheduler[] schedulers = new GridScheduler[2];

    PointwiseTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    private static float sigmoid(float z) {
        return 1f / (1f + TornadoMath.exp(-z));
    }

    /** One element: forward writes y[i], backward writes dx[i] (reading x or y and g). */
    static void map(KernelContext ctx, IntArray p, FloatArray s, FloatArray mem) {
        int i = ctx.globalIdx;
        int n = p.get(0), fn = p.get(1), back = p.get(2);
        int xo = p.get(4), yo = p.get(5), go = p.get(6), dxo = p.get(7);
        if (i < n) {
            float v = mem.get(xo + i);
            if (back == 0) {
                float r;
                if (fn == 0) r = TornadoMath.exp(v);
                else if (fn == 1) r = TornadoMath.log(v);
                else if (fn == 2) r = TornadoMath.sqrt(v);
                else if (fn == 3) r = v * v;
                else if (fn == 4) r = TornadoMath.tanh(v);
                else if (fn == 5) r = sigmoid(v);
                else if (fn == 7) r = TornadoMath.min(TornadoMath.max(v, s.get(0)), s.get(1));
                else if (fn == 8) r = v * sigmoid(v);
                else r = v * sigmoid(2f * GELU_K * (v + GELU_C * v * v * v));
                mem.set(yo + i, r);
            } else {
                float gi = mem.get(go + i), yi = mem.get(yo + i), d;
                if (fn == 0) d = gi * yi;
                else if (fn == 1) d = gi / v;
                else if (fn == 2) d = gi / (2f * yi);
                else if (fn == 3) d = 2f * v * gi;
                else if (fn == 4) d = gi * (1f - yi * yi);
                else if (fn == 5) d = gi * yi * (1f - yi);
                else if (fn == 7) {
                    d = 0f;
                    if (v >= s.get(0) && v <= s.get(1)) d = gi;
                } else if (fn == 8) {
                    float sg = sigmoid(v);
                    d = gi * sg * (1f + v * (1f - sg));
                } else {
                    float v2 = v * v;
                    float sg = sigmoid(2f * GELU_K * (v + GELU_C * v2 * v));
                    float du = GELU_K * (1f + 3f * GELU_C * v2);
                    d = gi * (sg + 2f * v * sg * (1f - sg) * du);
                }
                mem.set(dxo + i, d);
            }
        }
    }

    /** y = fn(x); x, y [n]. */
    void forward(Fn fn, double a, double b, float[] hx, float[] hy, int n) {
        DeviceArena m = shared.get(n, n);
        m.begin();
        int xo = m.input(hx, n), yo = m.output(hy, n);
        launch(m, fn, a, b, n, false, xo, yo, 0, 0);
        m.result(hy, yo, n);
    }

    /** dx = g fn'(x) (x or y as fn.usesX/usesY say); all [n]. */
    void backward(Fn fn, double a, double b, float[] hx, float[] hy, float[] hg, float[] hdx, int n) {
        DeviceArena m = shared.get(n, n, n, n);
        m.begin();
        int xo = hx != null ? m.input(hx, n) : 0, yo = hy != null ? m.input(hy, n) : 0, go = m.input(hg, n), dxo = m.output(hdx, n);
        launch(m, fn, a, b, n, true, xo, yo, go, dxo);
        m.result(hdx, dxo, n);
    }

    private void launch(DeviceArena m, Fn fn, double a, double b, int n, boolean back, int xo, int yo, int go, int dxo) {
        Staging.put(new int[] {n, fn.ordinal(), back ? 1 : 0, 0, xo, yo, go, dxo}, 8, params);
        scalars.set(0, (float) a);
        scalars.set(1, (float) b);
        int k = back ? 1 : 0;
        grids[k].setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[k].setLocalWork(LOCAL, 1, 1);
        m.launch(this, k, schedulers[k]);
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena m, String name) {
        java.util.List<TaskGraph> tg = java.util.List.of(
            m.finish(m.kernelGraph(name + "pwfwd", params).transferToDevice(DataTransferMode.EVERY_EXECUTION, scalars)
                .task("t", PointwiseTask::map, new KernelContext(), params, scalars, m.mem)),
            m.finish(m.kernelGraph(name + "pwbwd", params).transferToDevice(DataTransferMode.EVERY_EXECUTION, scalars)
                .task("t", PointwiseTask::map, new KernelContext(), params, scalars, m.mem)));
        for (int k = 0; k < 2; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }
}
