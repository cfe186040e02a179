package dev.vdiff.tornado;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.StridedKernels.Op;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Resample;

import java.util.SplittableRandom;

/**
 * {@link CrossCheck}'s part for {@link ElementwiseTask}: binary maps over broadcast and strided views, strided copies
 * (permute, narrow into zeros, concat, upsampling's repeats), fills and broadcast sums, each against {@code JvmBackend}
 * on seeded random inputs of several shapes; then the ops above them (broadcast arithmetic, permute + contiguous,
 * narrow, cat, upsampling, gradient sums) on tensors on the device against the JVM, forward and gradients.
 *
 * <p>Tolerances: the maps, copies and sums are one float32 operation per element or float32 additions in the JVM's
 * order, so they must give the same bits (rtol = atol = 0); only division gets 1e-6 (OpenCL does not require a
 * correctly rounded float division).
 */
final class ElementwiseCheck {
    private final CrossCheck c;
    private final KernelBackend jvm, dev;
    private final SplittableRandom rnd;

    ElementwiseCheck(CrossCheck c, KernelBackend jvm, KernelBackend dev, SplittableRandom rnd) {
        this.c = c;
        this.jvm = jvm;
        this.dev = dev;
        this.rnd = rnd;
    }

    void run(boolean quick) {
        binary(quick);
        copies(quick);
        sums(quick);
        ops();
    }

    // {shape..., -1, a's source shape (the view is a broadcast or a permutation of it)...}
    private void binary(boolean quick) {
        int[][] shapes = quick ? new int[][] {{2, 3, 4, 5}, {7}} : new int[][] {{2, 3, 4, 5}, {7}, {1}, {64, 300}, {2, 3, 2, 4, 3, 5}, {70001}};
        for (int[] shape : shapes) {
            int n = StridedKernels.numel(shape), r = shape.length;
            // a: a permuted view (its last two axes swapped in storage) at offset 3; b: broadcast along every other axis
            int[] aSt = StridedKernels.denseStrides(shape);
            if (r >= 2) {
                int[] swapped = shape.clone();
                swapped[r - 1] = shape[r - 2];
                swapped[r - 2] = shape[r - 1];
                int[] ds = StridedKernels.denseStrides(swapped);
                aSt = aSt.clone();
                aSt[r - 1] = ds[r - 2];
                aSt[r - 2] = ds[r - 1];
            }
            float[] a = c.random(n + 3);
            int[] bShape = shape.clone();
            for (int d = 0; d < r; d += 2) bShape[d] = 1;
            int[] bDense = StridedKernels.denseStrides(bShape), bSt = new int[r];
            for (int d = 0; d < r; d++) bSt[d] = bShape[d] == 1 ? 0 : bDense[d];
            float[] b = c.random(StridedKernels.numel(bShape));
            for (int i = 0; i < b.length; i++) b[i] += Math.copySign(0.5f, b[i]);   // away from 0 for the division
            for (Op op : Op.values()) {
                float[] want = new float[n], got = new float[n];
                jvm.binary(op, shape, a, 3, aSt, b, 0, bSt, 1.7f, want);
                dev.binary(op, shape, a, 3, aSt, b, 0, bSt, 1.7f, got);
                c.compare("binary " + op + " " + java.util.Arrays.toString(shape) + " (a permuted at offset 3, b broadcast)", got, want, op == Op.DIV ? 1e-6 : 0, 0);
            }
            // in place: a dense sum += a broadcast b (the autograd engine's addInto), the sum left on the device before
            float[] s = c.random(n), sw = s.clone(), s2 = new float[n], sw2 = new float[n];
            int[] ds = StridedKernels.denseStrides(shape);
            dev.binary(Op.SCALE, shape, s, 0, ds, null, 0, null, 1f, s2);   // a device result (s2 = s), then += b in place
            jvm.binary(Op.SCALE, shape, sw, 0, ds, null, 0, null, 1f, sw2);
            dev.binary(Op.ADD, shape, s2, 0, ds, b, 0, bSt, 0f, s2);
            jvm.binary(Op.ADD, shape, sw2, 0, ds, b, 0, bSt, 0f, sw2);
            c.compare("binary ADD in place " + java.util.Arrays.toString(shape) + " (sum on the device)", s2, sw2, 0, 0);
        }
    }

    private void copies(boolean quick) {
        // toDense of a permuted view: x [2, 3, 4, 5] read as [2, 4, 3, 5]
        int[][] perms = quick ? new int[][] {{2, 3, 4, 5}} : new int[][] {{2, 3, 4, 5}, {4, 64, 2, 16}, {1, 1, 1, 1}, {3, 5, 7, 2, 2, 3}};
        for (int[] src : perms) {
            int r = src.length;
            int[] ss = StridedKernels.denseStrides(src), shape = src.clone(), st = ss.clone();
            shape[1] = src[2];
            shape[2] = src[1];
            st[1] = ss[2];
            st[2] = ss[1];
            float[] x = c.random(StridedKernels.numel(src));
            float[] want = new float[x.length], got = new float[x.length];
            int[] dense = StridedKernels.denseStrides(shape);
            jvm.copy(shape, x, 0, st, want, 0, dense);
            dev.copy(shape, x, 0, st, got, 0, dense);
            c.compare("copy permuted " + java.util.Arrays.toString(src) + " axes 1, 2 to dense (rank " + r + ")", got, want, 0, 0);
        }
        // narrow's gradient: g [2, 3, 5] into zeros [2, 7, 5] at 2 along axis 1 (fill, then a partial copy)
        int[] in = {2, 7, 5}, gShape = {2, 3, 5};
        float[] g = c.random(30), zw = new float[70], zg = new float[70];
        int[] ds = StridedKernels.denseStrides(in);
        jvm.fill(zw, 70, 0f);
        dev.fill(zg, 70, 0f);
        jvm.copy(gShape, g, 0, StridedKernels.denseStrides(gShape), zw, 2 * ds[1], ds);
        dev.copy(gShape, g, 0, StridedKernels.denseStrides(gShape), zg, 2 * ds[1], ds);
        c.compare("fill + copy into a narrow view (narrow's gradient)", zg, zw, 0, 0);
        // concat along axis 1 of [2, 3, 4] and a transposed [2, 5, 4]; then fill with a constant
        float[] p = c.random(24), q = c.random(40), cw = new float[72], cg = new float[72];
        int[] outSt = StridedKernels.denseStrides(new int[] {2, 9, 4});
        for (KernelBackend be : new KernelBackend[] {jvm, dev}) {
            float[] o = be == jvm ? cw : cg;
            be.fill(o, 72, 0f);
            be.copy(new int[] {2, 3, 4}, p, 0, new int[] {12, 4, 1}, o, 0, outSt);
            be.copy(new int[] {2, 5, 4}, q, 0, new int[] {20, 1, 5}, o, 3 * outSt[1], outSt);
        }
        c.compare("fill + two copies (concat, the second part transposed)", cg, cw, 0, 0);
        // upsampling's repeats: x [2, 3, 4, 5] viewed as [2, 3, 4, s, 5, s], strides 0 on the repeats
        int s = 2;
        float[] x = c.random(120), uw = new float[120 * s * s], ug = new float[uw.length];
        int[] shape = {2, 3, 4, s, 5, s}, src = {60, 20, 5, 0, 1, 0};
        jvm.copy(shape, x, 0, src, uw, 0, StridedKernels.denseStrides(shape));
        dev.copy(shape, x, 0, src, ug, 0, StridedKernels.denseStrides(shape));
        c.compare("copy with repeats (nearest upsampling x2 of [2, 3, 4, 5])", ug, uw, 0, 0);
        float[] fw = c.random(1000), fg = fw.clone();
        jvm.fill(fw, 1000, -2.5f);
        dev.fill(fg, 1000, -2.5f);
        c.compare("fill 1000 with -2.5", fg, fw, 0, 0);
    }

    // {g shape..., -1, target shape...}: the target broadcasts to g
    private void sums(boolean quick) {
        int[][] cases = quick ? new int[][] {{2, 3, 4, 5, -1, 3, 1, 1}, {64, 300, -1, 300}}
            : new int[][] {{2, 3, 4, 5, -1, 3, 1, 1}, {64, 300, -1, 300}, {4, 5, 6, -1, 5, 1}, {1000, -1}, {2, 8, 3, 6, 4, 5, -1, 1, 8, 1, 6, 1, 1},
                {3, 7, -1, 3, 1}, {2, 4, 256, -1, 1, 4, 1}};
        for (int[] cs : cases) {
            int split = 0;
            while (cs[split] != -1) split++;
            int[] gs = java.util.Arrays.copyOfRange(cs, 0, split), ts = java.util.Arrays.copyOfRange(cs, split + 1, cs.length);
            int r = gs.length, lead = r - ts.length;
            int[] dsT = StridedKernels.denseStrides(ts), st = new int[r];
            for (int i = 0; i < ts.length; i++) st[lead + i] = ts[i] == 1 ? 0 : dsT[i];
            int n = StridedKernels.numel(ts);
            float[] g = c.random(StridedKernels.numel(gs));
            for (boolean inDouble : new boolean[] {false, true}) {
                float[] want = new float[n], got = new float[n];
                jvm.sumTo(gs, g, st, want, n, inDouble);
                dev.sumTo(gs, g, st, got, n, inDouble);
                c.compare("sumTo " + java.util.Arrays.toString(gs) + " -> " + java.util.Arrays.toString(ts) + (inDouble ? " in double" : ""), got, want, 0, 0);
            }
        }
    }

    /** The ops on tensors on the device against the same ops on the JVM, forward and gradients. */
    private void ops() {
        long seed = rnd.nextLong();
        Device device = Device.named(dev.name());
        Tensor[] onJvm = opsRun(Device.JVM, seed), onDev = opsRun(device, seed);
        String[] names = {"y", "copy", "dx", "dbias", "ds", "dlinearBias"};
        for (int i = 0; i < names.length; i++) {
            c.compare("elementwise ops " + names[i] + " " + dev.name() + " vs jvm", onDev[i].contiguous().floats(), onJvm[i].contiguous().floats(), 1e-6, 1e-6);
        }
    }

    private static Tensor[] opsRun(Device d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = CrossCheck.tensor(r, 2, 3, 4, 5).requiresGrad(true).moveTo(d);
        Tensor bias = CrossCheck.tensor(r, 3, 1, 1).requiresGrad(true).moveTo(d);
        Tensor lw = CrossCheck.tensor(r, 6, 6).requiresGrad(true).moveTo(d), lb = CrossCheck.tensor(r, 6).requiresGrad(true).moveTo(d);
        Tensor s = CrossCheck.tensor(r, 5).requiresGrad(true).moveTo(d);
        Tensor h = Arithmetic.mul(Arithmetic.add(x, bias), s);
        h = Arithmetic.sub(h, Arithmetic.div(x, Arithmetic.add(Arithmetic.mul(s, s), 1.0)));
        Tensor p = h.permute(0, 2, 1, 3).contiguous();                                   // [2, 4, 3, 5]
        Tensor cat = Concat.cat(2, p.narrow(2, 1, 2), p.narrow(2, 0, 1));
        Tensor u = Resample.upsampleNearest2d(cat.transpose(2, 3), 2);                    // [2, 4, 10, 6]
        Tensor y = Arithmetic.add(Arithmetic.mul(LinearAlgebra.linear(u, lw, null), 0.5), Arithmetic.neg(LinearAlgebra.linear(u, lw, lb)));   // u, lw twice; bias gradient
        Tensor t = x.reshape(2, 3, 20).transpose(1, 2).copy();
        Reductions.sumAll(Arithmetic.mul(y, CrossCheck.tensor(r, 2, 4, 10, 6))).backward();
        return new Tensor[] {y, t, x.grad(), bias.grad(), s.grad(), lb.grad()};
    }
}
