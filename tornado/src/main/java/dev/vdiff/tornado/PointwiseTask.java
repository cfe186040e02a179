package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.UnaryKernels.Fn;
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
 * The pointwise maps y = f(x) and dx = g f'(x) on the device, one work-item per element. The function is a
 * launch parameter (its code below), so one compiled kernel serves all of them. Computed in float32 with
 * the device's exp/tanh/log/sqrt; {@link #SUPPORTED} lists the functions offloaded (POW and the exact GELU,
 * which needs erf, stay on the JVM).
 */
final class PointwiseTask implements AutoCloseable {
    static final java.util.Set<Fn> SUPPORTED = java.util.EnumSet.of(Fn.EXP, Fn.LOG, Fn.SQRT, Fn.SQUARE, Fn.TANH,
        Fn.SIGMOID, Fn.CLAMP, Fn.SILU, Fn.GELU_TANH);
    private static final int LOCAL = 256;
    private static final float GELU_K = 0.7978845608028654f, GELU_C = 0.044715f;

    private final IntArray params = new IntArray(4);   // n, fn code, backward?
    private final FloatArray scalars = new FloatArray(2);   // a, b (CLAMP bounds)
    private FloatArray x, y, g, dx;
    // [0] forward: moves x in, y out; [1] backward: moves x, y, g in, dx out (nothing else crosses)
    private final TornadoExecutionPlan[] plans = new TornadoExecutionPlan[2];
    private final WorkerGrid1D[] grids = new WorkerGrid1D[2];
    private final GridScheduler[] schedulers = new GridScheduler[2];
    private int generation;

    private static float sigmoid(float z) {
        return 1f / (1f + TornadoMath.exp(-z));
    }

    /** One element: forward writes y[i], backward writes dx[i] (reading x or y and g). */
    static void map(KernelContext ctx, IntArray p, FloatArray s, FloatArray x, FloatArray y, FloatArray g, FloatArray dx) {
        int i = ctx.globalIdx;
        int n = p.get(0), fn = p.get(1), back = p.get(2);
        if (i < n) {
            float v = x.get(i);
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
                y.set(i, r);
            } else {
                float gi = g.get(i), yi = y.get(i), d;
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
                dx.set(i, d);
            }
        }
    }

    /** y = fn(x); x, y [n]. */
    synchronized void forward(Fn fn, double a, double b, float[] hx, float[] hy, int n) {
        launch(fn, a, b, hx, null, null, n, false);
        Staging.get(y, hy, n);
    }

    /** dx = g fn'(x) (x or y as fn.usesX/usesY say); all [n]. */
    synchronized void backward(Fn fn, double a, double b, float[] hx, float[] hy, float[] hg, float[] hdx, int n) {
        launch(fn, a, b, hx, hy, hg, n, true);
        Staging.get(dx, hdx, n);
    }

    private void launch(Fn fn, double a, double b, float[] hx, float[] hy, float[] hg, int n, boolean back) {
        if (!Staging.fits(x, n)) rebuild(n);
        if (hx != null) Staging.put(hx, n, x);
        if (hy != null) Staging.put(hy, n, y);
        if (hg != null) Staging.put(hg, n, g);
        Staging.put(new int[] {n, fn.ordinal(), back ? 1 : 0, 0}, 4, params);
        scalars.set(0, (float) a);
        scalars.set(1, (float) b);
        int k = back ? 1 : 0;
        grids[k].setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
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
        String name = "pointwise" + (generation++);
        TaskGraph[] tg = {
            new TaskGraph(name + "fwd").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, scalars, x)
                .task("t", PointwiseTask::map, new KernelContext(), params, scalars, x, y, g, dx).transferToHost(DataTransferMode.EVERY_EXECUTION, y),
            new TaskGraph(name + "bwd").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, scalars, x, y, g)
                .task("t", PointwiseTask::map, new KernelContext(), params, scalars, x, y, g, dx).transferToHost(DataTransferMode.EVERY_EXECUTION, dx)};
        for (int k = 0; k < 2; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg[k].getTaskGraphName() + ".t", grids[k]);
            plans[k] = new TornadoExecutionPlan(tg[k].snapshot());
        }
    }

    @Override
    public synchronized void close() {
        ExecutionPlans.closeAll(plans, "pointwise");
    }
}
