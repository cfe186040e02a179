package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.ConvGeometry;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

/**
 * 3-D convolution (2-D is depth 1) forward and its three gradients on the device, as direct convolutions
 * with one work-item per element of the result (layouts of {@link ConvGeometry}):
 * <pre>
 *   forward    out[n, o, p]        = bias[o] + sum_{c, tap} w[o, c, tap] x[n, c, p*s + tap - pad]
 *   inputGrad  dx[n, c, q]         = sum_{o, tap : q = p*s + tap - pad} dy[n, o, p] w[o, c, tap]
 *   weightGrad dw[o, c, tap]       = sum_{n, p} dy[n, o, p] x[n, c, p*s + tap - pad]
 *   biasGrad   db[o]               = sum_{n, p} dy[n, o, p]
 * </pre>
 * Each work-item sums in a fixed loop order, so results are the same bits on every run on one device. The
 * arrays live in the backend's {@link SharedArena} (x, w, bias, dy are uploaded only when the device does not
 * already hold their current values; out, dx, dw, db are read back exactly); each kernel is its own task graph
 * in the arena's plan, its offsets in the launch parameters.
 */
final class ConvTask implements DeviceArena.User {
    private static final int LOCAL = 128;
    // params: 0 mode, 1 n, 2 c, 3 d, 4 h, 5 w, 6 o, 7 kd, 8 kh, 9 kw, 10 sd, 11 sh, 12 sw, 13 pd, 14 ph, 15 pw,
    //         16 od, 17 oh, 18 ow, 19 hasBias; arena offsets of 20 x, 21 w, 22 bias, 23 out (forward) or dy, 24 dx, dw or db
    private final IntArray params = new IntArray(25);
    private final SharedArena shared;
    private DeviceArena arena;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[4];   // by mode: fwd, dx, dw, db
    private final GridScheduler[] schedulers = new GridScheduler[4];

    ConvTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    static void convForward(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(0) == 0) {
            int xo = p.get(20), wo = p.get(21), bo = p.get(22), yo = p.get(23);
            int c = p.get(2), d = p.get(3), h = p.get(4), wd = p.get(5), o = p.get(6);
            int kd = p.get(7), kh = p.get(8), kw = p.get(9);
            int od = p.get(16), oh = p.get(17), ow = p.get(18);
            int pos = od * oh * ow, total = p.get(1) * o * pos;
            int i = ctx.globalIdx;
            if (i < total) {
                int n = i / (o * pos), oc = (i / pos) % o, r = i % pos;
                int z = r / (oh * ow), yy = (r / ow) % oh, xx = r % ow;
                float s = 0f;
                if (p.get(19) == 1) s = mem.get(bo + oc);
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
                                        if (ix >= 0 && ix < wd) s += mem.get(wo + wBase + e) * mem.get(xo + xBase + ix);
                                    }
                                }
                            }
                        }
                    }
                }
                mem.set(yo + i, s);
            }
        }
    }

    static void inputGrad(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(0) == 1) {
            int wo = p.get(21), yo = p.get(23), ro = p.get(24);
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
                                        if (tx >= 0 && tx % sw == 0 && tx / sw < ow) s += mem.get(yo + yBase + tx / sw) * mem.get(wo + wBase + e);
                                    }
                                }
                            }
                        }
                    }
                }
                mem.set(ro + i, s);
            }
        }
    }

    static void weightGrad(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(0) == 2) {
            int xo = p.get(20), yo = p.get(23), ro = p.get(24);
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
                                        if (ix >= 0 && ix < wd) s += mem.get(yo + yBase + xx) * mem.get(xo + xBase + ix);
                                    }
                                }
                            }
                        }
                    }
                }
                mem.set(ro + i, s);
            }
        }
    }

    static void biasGrad(KernelContext ctx, IntArray p, FloatArray mem) {
        if (p.get(0) == 3) {
            int yo = p.get(23), ro = p.get(24);
            int nn = p.get(1), o = p.get(6), pos = p.get(16) * p.get(17) * p.get(18);
            int oc = ctx.globalIdx;
            if (oc < o) {
                float s = 0f;
                for (int n = 0; n < nn; n++) {
                    int base = (n * o + oc) * pos;
                    for (int r = 0; r < pos; r++) s += mem.get(yo + base + r);
                }
                mem.set(ro + oc, s);
            }
        }
    }

    synchronized void forward(ConvGeometry g, float[] hx, float[] hw, float[] hb, float[] hout) {
        int nx = g.n * g.c * g.q, nw = g.o * g.ck, total = g.n * g.o * g.p;
        DeviceArena a = arena(nx, nw, g.o, total);
        a.begin();
        int xo = a.input(hx, nx), wo = a.input(hw, nw), bo = hb != null ? a.input(hb, g.o) : 0, yo = a.output(hout, total);
        launch(g, 0, hb != null, total, xo, wo, bo, yo, 0);
        a.result(hout, yo, total);
    }

    synchronized void inputGrad(ConvGeometry g, float[] hdy, float[] hw, float[] hdx) {
        int ny = g.n * g.o * g.p, nw = g.o * g.ck, nx = g.n * g.c * g.q;
        DeviceArena a = arena(ny, nw, nx);
        a.begin();
        int yo = a.input(hdy, ny), wo = a.input(hw, nw), ro = a.output(hdx, nx);
        launch(g, 1, false, nx, 0, wo, 0, yo, ro);
        a.result(hdx, ro, nx);
    }

    synchronized void weightGrad(ConvGeometry g, float[] hx, float[] hdy, float[] hdw) {
        int nx = g.n * g.c * g.q, ny = g.n * g.o * g.p, nw = g.o * g.ck;
        DeviceArena a = arena(nx, ny, nw);
        a.begin();
        int xo = a.input(hx, nx), yo = a.input(hdy, ny), ro = a.output(hdw, nw);
        launch(g, 2, false, nw, xo, 0, 0, yo, ro);
        a.result(hdw, ro, nw);
    }

    synchronized void biasGrad(ConvGeometry g, float[] hdy, float[] hdb) {
        int ny = g.n * g.o * g.p;
        DeviceArena a = arena(ny, g.o);
        a.begin();
        int yo = a.input(hdy, ny), ro = a.output(hdb, g.o);
        launch(g, 3, false, g.o, 0, 0, 0, yo, ro);
        a.result(hdb, ro, g.o);
    }

    private DeviceArena arena(int... lengths) {
        arena = shared.get(lengths);
        return arena;
    }

    @Override
    public List<TaskGraph> graphs(DeviceArena a, String name) {
        List<TaskGraph> tg = List.of(
            a.finish(a.kernelGraph(name + "convfwd", params).task("t", ConvTask::convForward, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "convdx", params).task("t", ConvTask::inputGrad, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "convdw", params).task("t", ConvTask::weightGrad, new KernelContext(), params, a.mem)),
            a.finish(a.kernelGraph(name + "convdb", params).task("t", ConvTask::biasGrad, new KernelContext(), params, a.mem)));
        for (int k = 0; k < 4; k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }

    private void launch(ConvGeometry g, int mode, boolean hasBias, int items, int xo, int wo, int bo, int yo, int ro) {
        int[] ps = {mode, g.n, g.c, g.d, g.h, g.w, g.o, g.kd, g.kh, g.kw, g.sd, g.sh, g.sw, g.pd, g.ph, g.pw, g.od, g.oh, g.ow, hasBias ? 1 : 0,
            xo, wo, bo, yo, ro};
        Staging.put(ps, ps.length, params);
        grids[mode].setGlobalWork((long) (items + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[mode].setLocalWork(LOCAL, 1, 1);
        arena.launch(this, mode, schedulers[mode]);
    }

}
