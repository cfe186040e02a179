package dev.vdiff.tornado;

import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.StridedKernels.Op;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The elementwise arithmetic, broadcast sums and copies of strided views ({@link StridedKernels}) on the device, in
 * the arena: residual and bias additions, the autograd engine's gradient sums, {@code contiguous()} of permuted heads,
 * narrow's gradient, concat, nearest upsampling. Views of rank up to {@link #RANK} (shapes padded with leading 1s);
 * each kernel is one work-item per element of its result, which walks the view's index in row-major order:
 * <ul>
 *   <li>{@code binaryMap}: out[i] = a(i) (op) b(i), out dense (may be a itself: a sum in place, same element read then written);</li>
 *   <li>{@code stridedCopy}: dst(i) = src(i), or = a constant (fill);</li>
 *   <li>{@code reduceTo}: out[j] = the sum of g over the broadcast axes, one work-item per out element adding its terms in
 *       g's row-major order in float32 from 0 (or in double, rounded once): the JVM's order and arithmetic, so the same bits.</li>
 * </ul>
 * Launch parameters: n, op, shape[6], a offset + strides[6], b offset + strides[6], out offset + strides[6]; since session
 * 8 the three offsets travel in the launch's {@code IntArray} and the rest is a launch constant in the arena
 * ({@link DeviceArena#constant}), read with {@code q}.
 */
final class ElementwiseTask implements DeviceArena.User {
    static final int RANK = 6;
    private static final int LOCAL = 128;
    private static final int N = 0, OP = 1, SH = 2, A = 8, B = 15, O = 22, PARAMS = 29;

    // per launch: the constant vector's place in the arena, the arena offsets of a, b, out (session 8; the rest is a
    // launch constant: n, op, shape, strides as DeviceArena.encode(int[], int), then SCALE's c or fill's value)
    private final IntArray params = new IntArray(4);
    private final SharedArena shared;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[3];   // [0] binary, [1] copy, [2] sumTo
    private final GridScheduler[] schedulers = new GridScheduler[3];

    ElementwiseTask(SharedArena shared) {
        this.shared = shared;
        shared.register(this);
    }

    /** out[o + i] = a(i) (op) b(i) for i < n; op: ADD, SUB, MUL, DIV, SCALE (a * c) as in {@link Op}. */
    static void binaryMap(KernelContext ctx, IntArray lp, FloatArray mem) {
        int i = ctx.globalIdx, c = lp.get(0);
        if (i < q(mem, c, N)) {
            int op = q(mem, c, OP), rem = i, ao = lp.get(1), bo = lp.get(2);
            for (int d = RANK - 1; d >= 0; d--) {
                int size = q(mem, c, SH + d);
                int k = rem % size;
                rem = rem / size;
                ao += k * q(mem, c, A + 1 + d);
                bo += k * q(mem, c, B + 1 + d);
            }
            float x = mem.get(ao), r;
            if (op == 4) {
                r = x * mem.get(c + 2 * PARAMS);
            } else {
                float y = mem.get(bo);
                if (op == 0) r = x + y;
                else if (op == 1) r = x - y;
                else if (op == 2) r = x * y;
                else r = x / y;
            }
            mem.set(lp.get(3) + i, r);
        }
    }

    /** dst(i) = src(i) (op 0) or = c (op 1, fill) for i < n, both views of the shape. */
    static void stridedCopy(KernelContext ctx, IntArray lp, FloatArray mem) {
        int i = ctx.globalIdx, c = lp.get(0);
        if (i < q(mem, c, N)) {
            int rem = i, ao = lp.get(1), oo = lp.get(3);
            for (int d = RANK - 1; d >= 0; d--) {
                int size = q(mem, c, SH + d);
                int k = rem % size;
                rem = rem / size;
                ao += k * q(mem, c, A + 1 + d);
                oo += k * q(mem, c, O + 1 + d);
            }
            float v;
            if (q(mem, c, OP) == 1) v = mem.get(c + 2 * PARAMS);
            else v = mem.get(ao);
            mem.set(oo, v);
        }
    }

    /**
     * out[j] for j < n (the out elements) = the sum of g (a, dense, of the shape) over the axes where out's stride is 0,
     * in g's row-major order: j's indices on the kept axes (out is dense over them), then a loop over the summed ones;
     * in float32 (op 0) or in double rounded once (op 1).
     */
    static void reduceTo(KernelContext ctx, IntArray lp, FloatArray mem) {
        int j = ctx.globalIdx, c = lp.get(0);
        if (j < q(mem, c, N)) {
            int rem = j, base = lp.get(1), terms = 1;
            for (int d = RANK - 1; d >= 0; d--) {
                int size = q(mem, c, SH + d);
                if (q(mem, c, O + 1 + d) != 0) {
                    int k = rem % size;
                    rem = rem / size;
                    base += k * q(mem, c, A + 1 + d);
                } else {
                    terms *= size;
                }
            }
            float sum = 0f;
            double wide = 0;
            int inDouble = q(mem, c, OP);
            for (int t = 0; t < terms; t++) {
                int r = t, off = base;
                for (int d = RANK - 1; d >= 0; d--) {
                    if (q(mem, c, O + 1 + d) == 0) {
                        int size = q(mem, c, SH + d);
                        int k = r % size;
                        r = r / size;
                        off += k * q(mem, c, A + 1 + d);
                    }
                }
                if (inDouble == 1) wide += mem.get(off);
                else sum += mem.get(off);
            }
            if (inDouble == 1) sum = (float) wide;
            mem.set(lp.get(3) + j, sum);
        }
    }

    /** out (dense, [shape]) = a (op) b; out may be a itself (dense): the sum is made in place. */
    void binary(Op op, int[] shape, float[] a, int aOff, int[] aSt, float[] b, int bOff, int[] bSt, float c, float[] out) {
        int n = StridedKernels.numel(shape);
        DeviceArena m = shared.get(a.length, b == null ? 0 : b.length, out.length);
        m.begin();
        int ao = m.input(a, a.length), bo = b == null ? 0 : m.input(b, b.length);
        int oo = out == a ? ao : m.output(out, out.length);   // in place: a's region was just made current
        int[] p = params(n, op.ordinal(), shape);
        put(p, A, ao + aOff, aSt, shape.length);
        if (b != null) put(p, B, bo + bOff, bSt, shape.length);
        put(p, O, oo, StridedKernels.denseStrides(shape), shape.length);
        launch(m, 0, p, n, c);
        m.result(out, oo, out.length);
    }

    /** dst viewed as (dOff, dSt) = src viewed as (sOff, sSt). */
    void copy(int[] shape, float[] src, int sOff, int[] sSt, float[] dst, int dOff, int[] dSt) {
        int n = StridedKernels.numel(shape);
        DeviceArena m = shared.get(src.length, dst.length);
        m.begin();
        int so = m.input(src, src.length);
        // a copy that writes every element of dst needs no current values there; otherwise the rest of dst must be
        // current on the device (the ops fill it there first, so this moves nothing)
        boolean whole = n == dst.length && StridedKernels.isDense(shape, dOff, dSt);
        int oo = whole ? m.output(dst, dst.length) : m.input(dst, dst.length);
        int[] p = params(n, 0, shape);
        put(p, A, so + sOff, sSt, shape.length);
        put(p, O, oo + dOff, dSt, shape.length);
        launch(m, 1, p, n, 0f);
        m.result(dst, oo, dst.length);
    }

    /** dst[0..n) = v (all of dst, or the rest made current first). */
    void fill(float[] dst, int n, float v) {
        DeviceArena m = shared.get(dst.length);
        m.begin();
        int oo = n == dst.length ? m.output(dst, dst.length) : m.input(dst, dst.length);
        int[] shape = {n};
        int[] p = params(n, 1, shape);
        put(p, O, oo, new int[] {1}, 1);
        launch(m, 1, p, n, v);
        m.result(dst, oo, dst.length);
    }

    /** out [outLen] = g [gShape] summed over the axes where outStrides is 0. */
    void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble) {
        DeviceArena m = shared.get(g.length, out.length);
        m.begin();
        int go = m.input(g, g.length);
        int oo = outLen == out.length ? m.output(out, out.length) : m.input(out, out.length);
        int[] p = params(outLen, inDouble ? 1 : 0, gShape);
        put(p, A, go, StridedKernels.denseStrides(gShape), gShape.length);
        put(p, O, oo, outStrides, gShape.length);
        launch(m, 2, p, outLen, 0f);
        m.result(out, oo, out.length);
    }

    /** n, op and the shape padded with leading 1s (padded axes get stride 0 everywhere). */
    private static int[] params(int n, int op, int[] shape) {
        int[] p = new int[PARAMS];
        p[N] = n;
        p[OP] = op;
        int lead = RANK - shape.length;
        for (int d = 0; d < RANK; d++) p[SH + d] = d < lead ? 1 : shape[d - lead];
        return p;
    }

    /** A view's arena offset and strides (padded like the shape) at {@code at}. */
    private static void put(int[] p, int at, int off, int[] strides, int rank) {
        p[at] = off;
        int lead = RANK - rank;
        for (int d = 0; d < rank; d++) p[at + 1 + lead + d] = strides[d];
    }

    /** Launch parameter k of a constant vector at c in the arena (DeviceArena.encode(int[], int)). */
    private static int q(FloatArray mem, int c, int k) {
        return (int) mem.get(c + 2 * k) * 4096 + (int) mem.get(c + 2 * k + 1);
    }

    private void launch(DeviceArena m, int k, int[] p, int n, float c) {
        if (n == 0) return;
        // the offsets go in the launch's own IntArray (they change with every new array); n, op, shape, strides and c
        // are a launch constant in the arena (the same in every training step: sent once)
        int ao = p[A], bo = p[B], oo = p[O];
        p[A] = 0;
        p[B] = 0;
        p[O] = 0;
        float[] v = java.util.Arrays.copyOf(DeviceArena.encode(p, PARAMS), 2 * PARAMS + 1);
        v[2 * PARAMS] = c;
        Staging.put(new int[] {m.constant(v), ao, bo, oo}, 4, params);
        grids[k].setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grids[k].setLocalWork(LOCAL, 1, 1);
        m.launch(this, k, schedulers[k]);
    }

    @Override
    public java.util.List<TaskGraph> graphs(DeviceArena m, String name) {
        java.util.List<TaskGraph> tg = java.util.List.of(
            m.finish(m.kernelGraph(name + "ewbin", params)
                .task("t", ElementwiseTask::binaryMap, new KernelContext(), params, m.mem)),
            m.finish(m.kernelGraph(name + "ewcopy", params)
                .task("t", ElementwiseTask::stridedCopy, new KernelContext(), params, m.mem)),
            m.finish(m.kernelGraph(name + "ewsum", params)
                .task("t", ElementwiseTask::reduceTo, new KernelContext(), params, m.mem)));
        for (int k = 0; k < tg.size(); k++) {
            grids[k] = new WorkerGrid1D(LOCAL);
            schedulers[k] = new GridScheduler(tg.get(k).getTaskGraphName() + ".t", grids[k]);
        }
        return tg;
    }
}
