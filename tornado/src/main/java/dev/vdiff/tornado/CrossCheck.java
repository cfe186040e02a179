package dev.vdiff.tornado;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.HostCopy;
import dev.vdiff.tensor.backend.JvmBackend;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tensor.kernels.UnaryKernels.Fn;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every offloaded kernel against the JVM path (llm.c's dev/cuda style): the same seeded random float32
 * inputs through {@link JvmBackend} and {@link TornadoBackend}, outputs compared element by element with
 * {@link Close#compare}; a mismatch prints the count, the worst flat index and actual vs expected. Then the
 * same at the op level (tensors on {@code Device.named("tornado")} against tensors on the JVM, forward and
 * gradients), which also checks that the device travels with the data.
 *
 * <p>Run with {@code -Dtornado.recover.bailout=False} (tools/tornado/test.sh does): otherwise a kernel that
 * TornadoVM fails to compile silently runs as sequential Java and would pass. Exit status 0 only if every
 * check passed. Argument {@code --quick}: fewer and smaller shapes.
 */
public final class CrossCheck {
    private final KernelBackend jvm = new JvmBackend();
    private final KernelBackend dev;
    private final SplittableRandom rnd = new SplittableRandom(20261207);
    private final List<String> failures = new ArrayList<>();
    private int checks;

    private CrossCheck(KernelBackend dev) {
        this.dev = dev;
    }

    public static void main(String[] args) {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        if (!"false".equalsIgnoreCase(System.getProperty("tornado.recover.bailout"))) {
            System.out.println("refusing to run: set -Dtornado.recover.bailout=False, or a kernel that fails to compile runs as Java and passes");
            System.exit(2);
        }
        Device device = Device.named("tornado");
        System.out.println("device: " + device.kernels().description());
        CrossCheck c = new CrossCheck(device.kernels());
        long t0 = System.nanoTime();
        c.gemm(quick);
        c.pointwise(quick);
        c.softmax(quick);
        c.groupNorm(quick);
        c.conv(quick);
        c.attention(quick);
        new ElementwiseCheck(c, c.jvm, c.dev, c.rnd).run(quick);
        new LossCheck(c, c.jvm, c.dev).run(quick);
        new SgdCheck(c, c.jvm, c.dev).run(quick);
        c.lazyReadBack();
        c.optimizer(quick);
        c.optimizerSteps(device);
        c.ops(device);
        System.out.printf("%d checks, %d failed (%.1f s)%n", c.checks, c.failures.size(), (System.nanoTime() - t0) / 1e9);
        for (String f : c.failures) System.out.println("FAILED " + f);
        System.out.println(c.failures.isEmpty() ? "CROSSCHECK PASS" : "CROSSCHECK FAIL");
        System.exit(c.failures.isEmpty() ? 0 : 1);
    }

    // ------------------------------------------------------------------ kernels

    private void gemm(boolean quick) {
        // {batches, m, n, k, transA, transB, broadcastB, accumulate}
        int[][] cases = quick
            ? new int[][] {{1, 16, 16, 16, 0, 0, 0, 0}, {2, 33, 17, 45, 1, 0, 0, 1}, {3, 20, 70, 9, 0, 1, 1, 0}, {2, 70, 130, 33, 1, 1, 0, 1}}
            : new int[][] {{1, 16, 16, 16, 0, 0, 0, 0}, {1, 1, 1, 1, 0, 0, 0, 0}, {2, 33, 17, 45, 1, 0, 0, 1},
                {3, 20, 70, 9, 0, 1, 1, 0}, {4, 64, 48, 130, 1, 1, 0, 0}, {1, 256, 200, 300, 0, 0, 0, 1},
                {8, 5, 129, 64, 0, 1, 1, 1}, {1, 512, 64, 576, 0, 0, 0, 0}, {2, 70, 130, 33, 1, 1, 0, 1}, {3, 64, 64, 64, 0, 0, 1, 0}};
        for (int[] cs : cases) {
            int batches = cs[0], m = cs[1], n = cs[2], k = cs[3];
            boolean ta = cs[4] == 1, tb = cs[5] == 1, shareB = cs[6] == 1, acc = cs[7] == 1;
            int aOff = 3, bOff = 5, cOff = 7;
            float[] a = random(aOff + batches * m * k), b = random(bOff + (shareB ? 1 : batches) * k * n);
            int[] aBatch = new int[batches], bBatch = new int[batches];
            for (int t = 0; t < batches; t++) {
                aBatch[t] = t * m * k;
                bBatch[t] = shareB ? 0 : t * k * n;
            }
            int aK = ta ? m : 1, aM = ta ? 1 : k, bK = tb ? 1 : n, bN = tb ? k : 1;
            float[] c0 = random(cOff + batches * m * n);
            float[] want = c0.clone(), got = c0.clone();
            jvm.sgemmBatched(batches, m, n, k, a, aOff, aBatch, aK, aM, b, bOff, bBatch, bK, bN, want, cOff, m * n, n, acc);
            dev.sgemmBatched(batches, m, n, k, a, aOff, aBatch, aK, aM, b, bOff, bBatch, bK, bN, got, cOff, m * n, n, acc);
            compare(String.format("gemm batches=%d m=%d n=%d k=%d transA=%b transB=%b sharedB=%b accumulate=%b", batches, m, n, k, ta, tb, shareB, acc),
                got, want, 1e-4, 2e-6 * k);
        }
    }

    private void pointwise(boolean quick) {
        int[] sizes = quick ? new int[] {1000} : new int[] {1, 1000, 70001};
        for (Fn fn : PointwiseTask.SUPPORTED) {
            for (int n : sizes) {
                float[] x = random(n);
                if (fn == Fn.LOG || fn == Fn.SQRT) for (int i = 0; i < n; i++) x[i] = Math.abs(x[i]) + 0.1f;
                double a = -0.5, b = 0.7;
                float[] yw = new float[n], yg = new float[n];
                jvm.unaryForward(fn, a, b, x, yw, n);
                dev.unaryForward(fn, a, b, x, yg, n);
                compare(fn + " forward n=" + n, yg, yw, 1e-5, 1e-6);
                float[] g = random(n), dw = new float[n], dg = new float[n];
                jvm.unaryBackward(fn, a, b, x, yw, g, dw, n);
                dev.unaryBackward(fn, a, b, x, yw, g, dg, n);
                compare(fn + " backward n=" + n, dg, dw, 1e-5, 1e-6);
            }
        }
    }

    private void softmax(boolean quick) {
        int[][] shapes = quick ? new int[][] {{4, 37, 1}, {3, 10, 20}} : new int[][] {{1, 1, 1}, {4, 37, 1}, {3, 10, 20}, {64, 256, 1}, {2, 300, 33}};
        for (int[] s : shapes) {
            int outer = s[0], r = s[1], inner = s[2], n = outer * r * inner;
            for (boolean log : new boolean[] {false, true}) {
                float[] x = random(n);
                for (int i = 0; i < n; i++) x[i] *= 4;
                float[] yw = new float[n], yg = new float[n];
                jvm.softmaxForward(log, x, yw, outer, r, inner);
                dev.softmaxForward(log, x, yg, outer, r, inner);
                String what = (log ? "logSoftmax" : "softmax") + " [" + outer + ", " + r + ", " + inner + "]";
                compare(what + " forward", yg, yw, 1e-5, 1e-6);
                float[] g = random(n), dw = new float[n], dg = new float[n];
                jvm.softmaxBackward(log, yw, g, dw, outer, r, inner);
                dev.softmaxBackward(log, yw, g, dg, outer, r, inner);
                compare(what + " backward", dg, dw, 1e-5, 1e-6);
            }
        }
    }

    private void groupNorm(boolean quick) {
        // {n, c, l, groups, affine}
        int[][] cases = quick ? new int[][] {{2, 8, 50, 4, 1}} : new int[][] {{1, 1, 1, 1, 0}, {2, 8, 50, 4, 1}, {3, 6, 1000, 3, 0}, {2, 32, 4096, 8, 1}, {1, 4, 7, 1, 1}};
        for (int[] cs : cases) {
            int n = cs[0], c = cs[1], l = cs[2], groups = cs[3], total = n * c * l;
            boolean affine = cs[4] == 1;
            float[] x = random(total), w = affine ? random(c) : null, b = affine ? random(c) : null;
            for (int i = 0; i < total; i++) x[i] = x[i] * 3 + 1;
            float[] ow = new float[total], og = new float[total];
            double[] mw = new double[n * groups], rw = new double[n * groups], mg = new double[n * groups], rg = new double[n * groups];
            jvm.groupNormForward(x, w, b, ow, mw, rw, n, c, l, groups, 1e-5);
            dev.groupNormForward(x, w, b, og, mg, rg, n, c, l, groups, 1e-5);
            ((TornadoBackend) dev).groupNormStatsHome(mg, rg);   // they stay on the device; brought home for this check
            String what = "groupNorm [" + n + ", " + c + ", " + l + "] groups=" + groups + (affine ? " affine" : "");
            compare(what + " forward out", og, ow, 1e-5, 1e-5);
            // The JVM's float32 statistics add float32 blocks of 4 terms per lane into double sums (Sums, session 6),
            // so they agree with the device's double accumulation to float32 rounding of those blocks (about 1e-8
            // relative here), not to double precision: float32-sized bounds, still far inside the output's 1e-5.
            compare(what + " forward mean", mg, mw, 1e-6, 1e-7);
            compare(what + " forward rstd", rg, rw, 1e-6, 1e-7);
            float[] g = random(total), dxw = new float[total], dxg = new float[total];
            double[] dww = new double[n * c], dbw = new double[n * c], dwg = new double[n * c], dbg = new double[n * c];
            jvm.groupNormBackward(x, w, g, mw, rw, dxw, dww, dbw, n, c, l, groups);
            dev.groupNormBackward(x, w, g, mw, rw, dxg, dwg, dbg, n, c, l, groups);
            compare(what + " backward dx", dxg, dxw, 1e-4, 1e-5);
            // per-channel partial sums over l terms, float32 blocks on the JVM as above (errors grow with l)
            compare(what + " backward dwPart", dwg, dww, 1e-5, 1e-5);
            compare(what + " backward dbPart", dbg, dbw, 1e-5, 1e-5);
            // the backward with the device's own statistics (the op's path: they never left the device)
            float[] dxr = new float[total];
            double[] dwr = new double[n * c], dbr = new double[n * c];
            dev.groupNormForward(x, w, b, og, mg, rg, n, c, l, groups, 1e-5);
            dev.groupNormBackward(x, w, g, mg, rg, dxr, dwr, dbr, n, c, l, groups);
            compare(what + " backward dx, statistics kept on the device", dxr, dxw, 1e-4, 1e-5);
            compare(what + " backward dwPart, statistics kept on the device", dwr, dww, 1e-5, 1e-5);
        }
        // the device keeps each statistic as three floats whose sum is the double exactly (GroupNormTask.split) for
        // |d| >= 2^-97 (about 6.3e-30; below, the last float underflows); the host side of that round trip, on doubles
        // from 1e-29 to 1e29 of both signs and zero: bit for bit
        int blocks = 10000;
        double[] mean = new double[blocks], rstd = new double[blocks], m2 = new double[blocks], r2 = new double[blocks];
        for (int i = 0; i < blocks; i++) {
            mean[i] = i == 0 ? 0 : (rnd.nextBoolean() ? 1 : -1) * Math.pow(10, rnd.nextDouble() * 58 - 29);
            rstd[i] = Math.pow(10, rnd.nextDouble() * 58 - 29);
        }
        float[] hs = GroupNormTask.split(mean, rstd, blocks);
        for (int b = 0; b < blocks; b++) {
            m2[b] = ((double) hs[3 * b] + (double) hs[3 * b + 1]) + (double) hs[3 * b + 2];
            r2[b] = ((double) hs[3 * blocks + 3 * b] + (double) hs[3 * blocks + 3 * b + 1]) + (double) hs[3 * blocks + 3 * b + 2];
        }
        compare("groupNorm mean as three floats and back, |mean| in 1e-29 .. 1e29 and 0 (exact)", m2, mean, 0, 0);
        compare("groupNorm rstd as three floats and back (exact)", r2, rstd, 0, 0);
    }

    private void conv(boolean quick) {
        // {n, c, d, h, w, o, kd, kh, kw, sd, sh, sw, pd, ph, pw, bias}
        int[][] cases = quick
            ? new int[][] {{2, 3, 1, 9, 8, 4, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1}, {1, 2, 4, 5, 6, 3, 3, 3, 3, 1, 2, 2, 1, 1, 0, 0}}
            : new int[][] {{2, 3, 1, 9, 8, 4, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1}, {1, 2, 4, 5, 6, 3, 3, 3, 3, 1, 2, 2, 1, 1, 0, 0},
                {2, 16, 1, 16, 16, 8, 1, 3, 3, 1, 2, 2, 0, 1, 1, 1}, {1, 8, 1, 7, 7, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1},
                {2, 4, 6, 8, 8, 4, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1}, {1, 32, 1, 32, 32, 32, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1}};
        for (int[] k : cases) {
            ConvGeometry g = new ConvGeometry(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], k[9], k[10], k[11], k[12], k[13], k[14]);
            boolean hasBias = k[15] == 1;
            String what = String.format("conv x[%d, %d, %d, %d, %d] w[%d, %d, %d, %d, %d] stride (%d, %d, %d) pad (%d, %d, %d)%s",
                g.n, g.c, g.d, g.h, g.w, g.o, g.c, g.kd, g.kh, g.kw, g.sd, g.sh, g.sw, g.pd, g.ph, g.pw, hasBias ? " bias" : "");
            float[] x = random(g.n * g.c * g.q), w = random(g.o * g.ck), b = hasBias ? random(g.o) : null;
            float[] ow = new float[g.n * g.o * g.p], og = new float[ow.length];
            jvm.convForward(g, x, w, b, ow);
            dev.convForward(g, x, w, b, og);
            double atol = 2e-6 * g.ck;
            compare(what + " forward", og, ow, 1e-4, atol);
            float[] dy = random(ow.length);
            float[] dxw = new float[x.length], dxg = new float[x.length];
            jvm.convInputGrad(g, dy, w, dxw);
            dev.convInputGrad(g, dy, w, dxg);
            compare(what + " dx", dxg, dxw, 1e-4, 2e-6 * g.o * g.kk);
            float[] dww = new float[w.length], dwg = new float[w.length];
            jvm.convWeightGrad(g, x, dy, dww);
            dev.convWeightGrad(g, x, dy, dwg);
            compare(what + " dw", dwg, dww, 1e-4, 2e-6 * g.n * g.p);
            float[] dbw = new float[g.o], dbg = new float[g.o];
            jvm.convBiasGrad(g, dy, dbw);
            dev.convBiasGrad(g, dy, dbg);
            compare(what + " db", dbg, dbw, 1e-4, 2e-6 * g.n * g.p);
            // device residency (DeviceArena): x, w and dy are kept on the device from the calls above; the host writes
            // below must be seen (one element of x and of w changed, dy zeroed, the output array reused)
            x[x.length - 1] += 1f;
            w[0] -= 0.5f;
            jvm.convForward(g, x, w, b, ow);
            dev.convForward(g, x, w, b, og);
            compare(what + " forward after host writes to x and w", og, ow, 1e-4, atol);
            java.util.Arrays.fill(dy, 0f);
            dy[dy.length / 2] = 1f;
            jvm.convWeightGrad(g, x, dy, dww);
            dev.convWeightGrad(g, x, dy, dwg);
            compare(what + " dw after a host write to dy", dwg, dww, 1e-4, 2e-6 * g.n * g.p);
        }
    }

    private void attention(boolean quick) {
        // {b, h, sq, sk, dk, dv, headSlices}
        int[][] cases = quick ? new int[][] {{2, 2, 5, 7, 4, 3, 0}, {3, 4, 6, 6, 8, 8, 1}}
            : new int[][] {{2, 2, 5, 7, 4, 3, 0}, {3, 4, 6, 6, 8, 8, 1}, {1, 1, 1, 1, 1, 1, 0}, {4, 4, 64, 64, 32, 32, 1}, {2, 3, 17, 40, 16, 24, 0}};
        for (int[] a : cases) {
            int b = a[0], h = a[1], sq = a[2], sk = a[3], dk = a[4], dv = a[5];
            boolean slices = a[6] == 1;   // multiHead's layout: [S, T, C] with head slices (needs dk == dv)
            AttentionKernels.Rows rq = slices ? AttentionKernels.Rows.headSlices(sq, h * dk, dk) : AttentionKernels.Rows.dense(h, sq, dk);
            AttentionKernels.Rows rk = slices ? AttentionKernels.Rows.headSlices(sk, h * dk, dk) : AttentionKernels.Rows.dense(h, sk, dk);
            AttentionKernels.Rows rv = slices ? AttentionKernels.Rows.headSlices(sk, h * dv, dv) : AttentionKernels.Rows.dense(h, sk, dv);
            AttentionKernels.Rows ro = slices ? AttentionKernels.Rows.headSlices(sq, h * dv, dv) : AttentionKernels.Rows.dense(h, sq, dv);
            AttentionKernels.Geometry g = new AttentionKernels.Geometry(b, h, sq, sk, dk, dv, rq, rk, rv, ro, null);
            String what = String.format("attention B=%d H=%d Sq=%d Sk=%d Dk=%d Dv=%d %s", b, h, sq, sk, dk, dv, slices ? "head slices" : "dense");
            float[] q = random(b * h * sq * dk), k = random(b * h * sk * dk), v = random(b * h * sk * dv);
            for (int i = 0; i < q.length; i++) q[i] *= 2;
            float[] ow = new float[b * h * sq * dv], og = new float[ow.length], lw = new float[b * h * sq], lg = new float[lw.length];
            jvm.attentionForward(q, k, v, ow, lw, null, g);
            dev.attentionForward(q, k, v, og, lg, null, g);
            compare(what + " forward out", og, ow, 1e-4, 1e-5);
            compare(what + " forward lse", lg, lw, 1e-5, 1e-5);
            float[] d = random(ow.length);
            float[][] w = {new float[q.length], new float[k.length], new float[v.length]}, gg = {new float[q.length], new float[k.length], new float[v.length]};
            jvm.attentionBackward(q, k, v, ow, lw, d, w[0], w[1], w[2], g);
            dev.attentionBackward(q, k, v, ow, lw, d, gg[0], gg[1], gg[2], g);
            String[] names = {"dq", "dk", "dv"};
            for (int i = 0; i < 3; i++) compare(what + " backward " + names[i], gg[i], w[i], 1e-4, 1e-5 * Math.max(sq, sk));
        }
    }

    /**
     * Lazy read-back: a result stays on the device (its host array registered as stale), the next kernel reads it
     * there, host code gets its newest values, and a host write after that reaches the device.
     */
    private void lazyReadBack() {
        int n = 5000;
        float[] x = random(n), y = new float[n], z = new float[n], yw = new float[n], zw = new float[n];
        dev.unaryForward(Fn.TANH, 0, 0, x, y, n);
        checks++;
        if (!DeviceArena.EAGER && !HostCopy.isStale(y)) failures.add("lazy read-back: tanh's result was copied home at once");
        dev.unaryForward(Fn.SQUARE, 0, 0, y, z, n);   // reads y where it is, on the device
        jvm.unaryForward(Fn.TANH, 0, 0, x, yw, n);
        jvm.unaryForward(Fn.SQUARE, 0, 0, yw, zw, n);
        compare("lazy read-back: square(tanh x), tanh x left on the device", z, zw, 1e-5, 1e-6);
        compare("lazy read-back: tanh x brought home", y, yw, 1e-5, 1e-6);
        y[0] = 3f;   // a host write after the copy home: the next kernel must see it
        yw[0] = 3f;
        dev.unaryForward(Fn.SQUARE, 0, 0, y, z, n);
        jvm.unaryForward(Fn.SQUARE, 0, 0, yw, zw, n);
        compare("lazy read-back: square after a host write to the brought-home y", z, zw, 1e-5, 1e-6);
        // a JVM kernel handed a stale array (no host accessor in between) must see the device's values
        float[] s = new float[n], sw = new float[n];
        dev.unaryForward(Fn.SIGMOID, 0, 0, x, s, n);
        jvm.unaryForward(Fn.SQUARE, 0, 0, s, sw, n);
        float[] sj = new float[n], swj = new float[n];
        jvm.unaryForward(Fn.SIGMOID, 0, 0, x, sj, n);
        jvm.unaryForward(Fn.SQUARE, 0, 0, sj, swj, n);
        compare("lazy read-back: a JVM kernel reading a result left on the device", sw, swj, 1e-5, 1e-6);
    }

    // ------------------------------------------------------------------ optimizer (OptimizerTask)

    /** AdamW step t of the JVM's AdamW (lr 3e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.05). */
    private static OptimizerKernels.AdamWStep adamwStep(int t) {
        double lr = 3e-3;
        return new OptimizerKernels.AdamWStep(1 - lr * 0.05, 0.9, 0.999, 1e-8, lr / (1 - Math.pow(0.9, t)), Math.sqrt(1 - Math.pow(0.999, t)));
    }

    /**
     * Each optimizer kernel against the JVM loop on random values of several sizes; then 3 AdamW steps with p, m, v
     * left on the device between them (weight decay, bias correction of steps 1..3, a fresh gradient from the host each
     * step), and a host write to the brought-home parameter before a 4th step.
     */
    private void optimizer(boolean quick) {
        int[] sizes = quick ? new int[] {1000} : new int[] {1, 1000, 70001};
        for (int n : sizes) {
            float[] p = random(n), g = random(n), m = random(n), v = random(n);
            for (int i = 0; i < n; i++) {
                m[i] *= 1e-2f;
                v[i] = Math.abs(v[i]) * 1e-4f;
            }
            float[] pw = p.clone(), mw = m.clone(), vw = v.clone();
            jvm.adamwStep(pw, g, mw, vw, n, adamwStep(3));
            dev.adamwStep(p, g, m, v, n, adamwStep(3));
            checks++;
            if (!DeviceArena.EAGER && !HostCopy.isStale(p)) failures.add("adamw n=" + n + ": the updated parameter was copied home at once");
            compare("adamw n=" + n + " p", p, pw, 1e-6, 1e-7);
            compare("adamw n=" + n + " m", m, mw, 1e-6, 1e-7);   // m can cancel to near 0: an ulp of its inputs' scale (~0.1)
            compare("adamw n=" + n + " v", v, vw, 1e-6, 1e-12);

            float[] s = random(n), q = random(n), sw = s.clone();
            jvm.emaUpdate(sw, q, n, 0.005);
            dev.emaUpdate(s, q, n, 0.005);
            compare("ema n=" + n, s, sw, 1e-6, 1e-7);

            float[] x = random(n);
            for (int i = 0; i < n; i++) x[i] *= 3;
            compare("sumOfSquares n=" + n, new double[] {dev.sumOfSquares(x, n)}, new double[] {jvm.sumOfSquares(x, n)}, 1e-12, 0);
            float[] xw = x.clone();
            jvm.scaleInPlace(xw, n, 0.37f);
            dev.scaleInPlace(x, n, 0.37f);
            compare("scale n=" + n + " (float32 products: exact)", x, xw, 0, 0);
        }
        int n = quick ? 3000 : 40000;
        float[] p = random(n), m = new float[n], v = new float[n];
        float[] pw = p.clone(), mw = new float[n], vw = new float[n];
        for (int t = 1; t <= 4; t++) {
            if (t == 4) {   // a host write to the parameter after it came home (the compares below brought it home)
                p[7] = 0.25f;
                pw[7] = 0.25f;
            }
            float[] g = random(n);
            jvm.adamwStep(pw, g, mw, vw, n, adamwStep(t));
            dev.adamwStep(p, g, m, v, n, adamwStep(t));
            if (t >= 3) {
                String what = "adamw " + t + " steps n=" + n + (t == 4 ? ", a host write before the 4th" : ", state left on the device");
                compare(what + " p", p, pw, 1e-5, 1e-6);
                // m = 0.9 m + 0.1 g can cancel to near 0, keeping an earlier step's rounding difference (an ulp of
                // numbers of size ~0.1, if the device contracted a multiply-add) as an absolute error: atol 1e-7
                compare(what + " m", m, mw, 1e-5, 1e-7);
                compare(what + " v", v, vw, 1e-5, 1e-12);
            }
        }
    }

    /** Clipping + AdamW + EMA on tensors on the device against the JVM, 3 steps, through the optimizers' own code. */
    private void optimizerSteps(Device device) {
        long seed = rnd.nextLong();
        Map<String, Tensor> onJvm = optimizerRun(Device.JVM, seed), onDev = optimizerRun(device, seed);
        for (String k : onJvm.keySet()) {
            compare("optimizer 3 steps (clip 0.5, AdamW, EMA) " + k, onDev.get(k).toDoubleArray(), onJvm.get(k).toDoubleArray(), 1e-5, 1e-7);
        }
    }

    private Map<String, Tensor> optimizerRun(Device d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", tensor(r, 64, 300).moveTo(d));
        params.put("b", tensor(r, 64).moveTo(d));
        AdamW opt = new AdamW(params, 3e-3, 0.9, 0.999, 1e-8, 0.05);
        Ema ema = new Ema(params, 0.9);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int step = 0; step < 3; step++) {
            for (Tensor p : params.values()) p.setGrad(tensor(r, p.shape()).moveTo(d));
            out.put("norm" + step, Tensor.of(new double[] {GradClip.clipGradNorm(params.values(), 0.5)}, 1));
            opt.step();
            ema.update(params);
        }
        for (var e : params.entrySet()) out.put("param " + e.getKey(), e.getValue());
        for (var e : opt.stateDict().entrySet()) out.put("state " + e.getKey(), e.getValue());
        for (var e : ema.stateDict().entrySet()) out.put("ema " + e.getKey(), e.getValue());
        return out;
    }

    // ------------------------------------------------------------------ ops on device-carried tensors

    /** linear -> silu -> softmax, and groupNorm, with gradients, once on the JVM and once on the device. */
    private void ops(Device device) {
        long seed = rnd.nextLong();
        Tensor[] onJvm = opsRun(Device.JVM, seed), onDev = opsRun(device, seed);
        String[] names = {"y", "dx", "dW", "db", "gn", "dgx", "dgw", "dgb"};
        for (int i = 0; i < names.length; i++) {
            compare("ops " + names[i] + " " + dev.name() + " vs jvm", onDev[i].contiguous().floats(), onJvm[i].contiguous().floats(), 1e-4, 1e-5);
        }
        checks++;
        if (!onDev[0].device().name().equals(device.name())) failures.add("ops: output device is " + onDev[0].device() + ", expected " + device);
    }

    private Tensor[] opsRun(Device d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = tensor(r, 6, 40).requiresGrad(true).moveTo(d);
        Tensor w = tensor(r, 24, 40).requiresGrad(true).moveTo(d);
        Tensor b = tensor(r, 24).requiresGrad(true).moveTo(d);
        Tensor y = Softmax.softmax(Pointwise.silu(LinearAlgebra.linear(x, w, b)), 1);
        Tensor up = tensor(r, 6, 24);
        Reductions.sumAll(Arithmetic.mul(y, up)).backward();
        Tensor gx = tensor(r, 2, 8, 3, 5).requiresGrad(true).moveTo(d);
        Tensor gw = tensor(r, 8).requiresGrad(true).moveTo(d);
        Tensor gb = tensor(r, 8).requiresGrad(true).moveTo(d);
        Tensor gn = Normalization.groupNorm(gx, 4, gw, gb, 1e-5);
        Tensor gup = tensor(r, 2, 8, 3, 5);
        Reductions.sumAll(Arithmetic.mul(gn, gup)).backward();
        return new Tensor[] {y, x.grad(), w.grad(), b.grad(), gn, gx.grad(), gw.grad(), gb.grad()};
    }

    // ------------------------------------------------------------------ helpers

    /** A tensor of uniform values in [-1, 1) drawn from {@code r} (also used by {@link ElementwiseCheck}). */
    static Tensor tensor(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    /** n uniform values in [-1, 1) from the check's one random stream (also used by {@link ElementwiseCheck}). */
    float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }

    void compare(String what, float[] actual, float[] expected, double rtol, double atol) {
        HostCopy.bringHome(actual);   // a device result read as host code reads it (lazy read-back)
        HostCopy.bringHome(expected);
        double[] a = new double[actual.length], e = new double[expected.length];
        for (int i = 0; i < a.length; i++) a[i] = actual[i];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        compare(what, a, e, rtol, atol);
    }

    /** A yes/no check (e.g. a result left on the device), counted like the comparisons. */
    void check(String what, boolean ok) {
        checks++;
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (!ok) failures.add(what);
    }

    void compare(String what, double[] actual, double[] expected, double rtol, double atol) {
        checks++;
        Close.Result r = Close.compare(actual, expected, rtol, atol);
        if (r.pass()) {
            System.out.printf("ok   %s (%d elements, worst error/tolerance %.3g)%n", what, expected.length, r.worstRatio());
        } else {
            String line = r.describe(what) + " [rtol " + rtol + ", atol " + atol + "]";
            System.out.println("FAIL " + line);
            failures.add(line);
        }
    }
}
