package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.ConvGeometry;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * 3-D convolution (2-D is depth 1) forward and its three gradients on the device, as direct convolutions
 * with one work-item per element of the result (layouts of {@link ConvGeometry}):
 * <pre>
 *   forward    out[n, o, p]        = bias[o] + sum_{c, tap} w[o, c, tap] x[n, c, p*s + tap - pad]
 *   inputGrad  dx[n, c, q]         = sum_{o, tap : q = p*s + tap - pad} dy[n, o, p] w[o, c, tap]
 *   weightGrad dw[o, c, tap]       = sum_{n, p} dy[n, o, p] x[n, c, p*s + tap - pad]
 *   biasGrad   db[o]               = sum_{n, p} dy[n, o, p]
 * </pre>
 * Each work-item sums in a fixed loop order, so results are the same bits on every run on one device. Each
 * kernel has its own task graph over the shared staging arrays, which moves exactly the arrays that kernel
 * reads (host to device) and the one it writes (back): forward x, w, bias -> out; input gradient dy, w -> dx;
 * weight gradient x, dy -> dw; bias gradient dy -> db.
 */
final class ConvTask implements AutoCloseable {
    private static final int LOCAL = 128;
    // params: 0 mode, 1 n, 2 c, 3 d, 4 h, 5 w, 6 o, 7 kd, 8 kh, 9 kw, 10 sd, 11 sh, 12 sw, 13 pd, 14 ph, 15 pw,
    //         16 od, 17 oh, 18 ow, 19 hasBias
    private final IntArray params = new IntArray(20);
    private FloatArray x, w, bias, y;    // y: out (forward) or dy (gradients)
    private FloatArray res;              // dx, dw or db of the gradients
    private final TornadoExecutionPlan[] plans = new TornadoExecutionPlan[4];   // by mode: fwd, dx, dw, db
    private final WorkerGrid1D[] grids = new WorkerGrid1D[4];
    private final GridScheduler[] schedulers = new GridScheduler[4];
    private int generation;

    static void convForward(KernelContext ctx, IntArray p, FloatArray x, FloatArray w, FloatArray bias, FloatArray out) {
        if (p.get(0) == 0) {
            int c = p.get(2), d = p.get(3), h = p.get(4), wd = p.get(5), o = p.get(6);
            int kd = p.get(7), kh = p.get(8), kw = p.get(9);
            int od = p.get(16), oh = p.get(17), ow = p.get(18);
            int pos = od * oh * ow, total = p.get(1) * o * pos;
            int i = ctx.globalIdx;
            if (i < total) {
                int n = i / (o * pos), oc = (i / pos) % o, r = i % pos;
                int z = r / (oh * ow), yy = (r / ow) % oh, xx = r % ow;
                float s = 0f;
                if (p.get(19) == 1) s = bias.get(oc);
                for (int ci = 0; ci < c; ci++) {
                    for (int a = 0; a < kd; a++) {
                        int iz = z * p.get(10) + a - p.get(13);
                        if (iz >= 0 && iz < d) {
                            for (int b = 0; b < kh; b++) {
                                int iy = yy * p.get(11) + b - p.get(14);
                                if (iy >= 0 && iy < h) {
                                    int xBase = (((n * c + ci) * d + iz) * h + iy) * wd;
                                    int wBase = (((oc * c + ci) * kd + a) * kh + b) * kw;
                                    for (int e = 0; e < kw; e++) {
                                        int ix = xx * p.get(12) + e - p.get(15);
                                        if (ix >= 0 && ix < wd) s += w.get(wBase + e) * x.get(xBase + ix);
                                    }
                                }
                            }
                        }
                    }
                }
                out.set(i, s);
            }
        }
    }

    static void inputGrad(KernelContext ctx, IntArray p, FloatArray dy, FloatArray w, FloatArray dx) {
        if (p.get(0) == 1) {
            int c = p.get(2), d = p.get(3), h = p.get(4), wd = p.get(5), o = p.get(6);
            int kd = p.get(7), kh = p.get(8), kw = p.get(9), sd = p.get(10), sh = p.get(11), sw = p.get(12);
            int od = p.get(16), oh = p.get(17), ow = p.get(18);
            int q = d * h * wd, total = p.get(1) * c * q;
            int i = ctx.globalIdx;
            if (i < total) {
                int n = i / (c * q), ci = (i / q) % c, r = i % q;
                int z = r / (h * wd), yy = (r / wd) % h, xx = r % wd;
                float s = 0f;
                for (int oc = 0; oc < o; oc++) {
                    for (int a = 0; a < kd; a++) {
                        int tz = z + p.get(13) - a;      // = oz * sd
                        if (tz >= 0 && tz % sd == 0 && tz / sd < od) {
                            for (int b = 0; b < kh; b++) {
                                int ty = yy + p.get(14) - b;
                                if (ty >= 0 && ty % sh == 0 && ty / sh < oh) {
                                    int yBase = (((n * o + oc) * od + tz / sd) * oh + ty / sh) * ow;
                                    int wBase = (((oc * c + ci) * kd + a) * kh + b) * kw;
                                    for (int e = 0; e < kw; e++) {
                                        int tx = xx + p.get(15) - e;
                                        if (tx >= 0 && tx % sw == 0 && tx / sw < ow) s += dy.get(yBase + tx / sw) * w.get(wBase + e);
                                    }
                                }
                            }
                        }
                    }
                }
                dx.set(i, s);
            }
        }
    }

    static void weightGrad(KernelContext ctx, IntArray p, FloatArray x, FloatArray dy, FloatArray dw) {
        if (p.get(0) == 2) {
            int nn = p.get(1), c = p.get(2), d = p.get(3), h = p.get(4), wd = p.get(5), o = p.get(6);
            int kd = p.get(7), kh = p.get(8), kw = p.get(9);
            int od = p.get(16), oh = p.get(17), ow = p.get(18);
            int taps = kd * kh * kw, total = o * c * taps;
            int i = ctx.globalIdx;
            if (i < total) {
                int oc = i / (c * taps), ci = (i / taps) % c, t = i % taps;
                int a = t / (kh * kw), b = (t / kw) % kh, e = t % kw;
                float s = 0f;
                for (int n = 0; n < nn; n++) {
                    for (int z = 0; z < od; z++) {
                        int iz = z * p.get(10) + a - p.get(13);
                        if (iz >= 0 && iz < d) {
                            for (int yy = 0; yy < oh; yy++) {
                                int iy = yy * p.get(11) + b - p.get(14);
                                if (iy >= 0 && iy < h) {
                                    int yBase = (((n * o + oc) * od + z) * oh + yy) * ow;
                                    int xBase = (((n * c + ci) * d + iz) * h + iy) * wd;
                                    for (int xx = 0; xx < ow; xx++) {
                                        int ix = xx * p.get(12) + e - p.get(15);
                                        if (ix >= 0 && ix < wd) s += dy.get(yBase + xx) * x.get(xBase + ix);
                                    }
                                }
                            }
                        }
                    }
                }
                dw.set(i, s);
            }
        }
    }

    static void biasGrad(KernelContext ctx, IntArray p, FloatArray dy, FloatArray db) {
        if (p.get(0) == 3) {
            int nn = p.get(1), o = p.get(6), pos = p.get(16) * p.get(17) * p.get(18);
            int oc = ctx.globalIdx;
            if (oc < o) {
                float s = 0f;
                for (int n = 0; n < nn; n++) {
                    int base = (n * o + oc) * pos;
                    for (int r = 0; r < pos; r++) s += dy.get(base + r);
                }
                db.set(oc, s);
            }
        }
    }

    synchronized void forward(ConvGeometry g, float[] hx, float[] hw, float[] hb, float[] hout) {
        int total = g.n * g.o * g.p;
        prepare(g, 0, hb != null);
        Staging.put(hx, g.n * g.c * g.q, x);
        Staging.put(hw, g.o * g.ck, w);
        if (hb != null) Staging.put(hb, g.o, bias);
        launch(0, total);
        Staging.get(y, hout, total);
    }

    synchronized void inputGrad(ConvGeometry g, float[] hdy, float[] hw, float[] hdx) {
        prepare(g, 1, false);
        Staging.put(hdy, g.n * g.o * g.p, y);
        Staging.put(hw, g.o * g.ck, w);
        launch(1, g.n * g.c * g.q);
        Staging.get(res, hdx, g.n * g.c * g.q);
    }

    synchronized void weightGrad(ConvGeometry g, float[] hx, float[] hdy, float[] hdw) {
        prepare(g, 2, false);
        Staging.put(hx, g.n * g.c * g.q, x);
        Staging.put(hdy, g.n * g.o * g.p, y);
        launch(2, g.o * g.ck);
        Staging.get(res, hdw, g.o * g.ck);
    }

    synchronized void biasGrad(ConvGeometry g, float[] hdy, float[] hdb) {
        prepare(g, 3, false);
        Staging.put(hdy, g.n * g.o * g.p, y);
        launch(3, g.o);
        Staging.get(res, hdb, g.o);
    }

    private void prepare(ConvGeometry g, int mode, boolean hasBias) {
        int nx = g.n * g.c * g.q, ny = g.n * g.o * g.p, nw = g.o * g.ck;
        if (!Staging.fits(x, nx) || !Staging.fits(y, ny) || !Staging.fits(w, nw) || !Staging.fits(bias, g.o)) rebuild(nx, ny, nw, g.o);
        int[] ps = {mode, g.n, g.c, g.d, g.h, g.w, g.o, g.kd, g.kh, g.kw, g.sd, g.sh, g.sw, g.pd, g.ph, g.pw, g.od, g.oh, g.ow, hasBias ? 1 : 0};
        Staging.put(ps, ps.length, params);
    }

    private void launch(int mode, int items) {
        grids[mode].setGlobalWork((long) (items + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[mode].setLocalWork(LOCAL, 1, 1);
        Transfers.execute(plans[mode], schedulers[mode]);
    }

    private void rebuild(int nx, int ny, int nw, int no) {
        close();
        x = new FloatArray(Staging.capacity(nx));
        y = new FloatArray(Staging.capacity(ny));
        w = new FloatArray(Staging.capacity(nw));
        bias = new FloatArray(Staging.capacity(no));
        res = new FloatArray(Staging.capacity(Math.max(nx, Math.max(nw, no))));
        String name = "conv" + (generation++);
        TaskGraph[] tg = {
            new TaskGraph(name + "fwd").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, x, w, bias)
                .task("t", ConvTask::convForward, new KernelContext(), params, x, w, bias, y).transferToHost(DataTransferMode.EVERY_EXECUTION, y),
            new TaskGraph(name + "dx").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, y, w)
                .task("t", ConvTask::inputGrad, new KernelContext(), params, y, w, res).transferToHost(DataTransferMode.EVERY_EXECUTION, res),
            new TaskGraph(name + "dw").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, x, y)
                .task("t", ConvTask::weightGrad, new KernelContext(), params, x, y, res).transferToHost(DataTransferMode.EVERY_EXECUTION, res),
            new TaskGraph(name + "db").transferToDevice(DataTransferMode.EVERY_EXECUTION, params, y)
                .task("t", ConvTask::biasGrad, new KernelContext(), params, y, res).transferToHost(DataTransferMode.EVERY_EXECUTION, res)};
        for (int k = 0; k < 4; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg[k].getTaskGraphName() + ".t", grids[k]);
            plans[k] = new TornadoExecutionPlan(tg[k].snapshot());
        }
    }

    @Override
    public synchronized void close() {
        ExecutionPlans.closeAll(plans, "convolution");
    }
}
