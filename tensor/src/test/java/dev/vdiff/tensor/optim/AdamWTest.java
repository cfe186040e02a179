package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {
    /**
     * p0 = 1, gradients 0.5 then 0.25, lr 0.1, default betas/eps, weight decay 0.01. By hand:
     * step 1: p = 0.999 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.899000002 (Adam's first step is lr * sign(g));
     * step 2: m = 0.9*0.05 + 0.1*0.25 = 0.07, v = 0.999*2.5e-4 + 0.001*0.0625 = 3.1225e-4,
     *         p = 0.899000002*0.999 - (0.1/0.19) * 0.07 / (sqrt(3.1225e-4)/sqrt(0.001999) + 1e-8) = 0.80488304047546.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void twoStepsMatchHandComputedValues(DType dt) {
        Tensor p = Tensor.full(dt, 1.0, 1);
        AdamW opt = new AdamW(Map.of("w", p), 0.1);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-13;
        p.setGrad(Tensor.full(dt, 0.5, 1));
        opt.step();
        assertEquals(0.899000002, p.item(), tol);
        p.setGrad(Tensor.full(dt, 0.25, 1));
        opt.step();
        assertEquals(0.80488304047546, p.item(), tol);
        assertEquals(2, opt.stepCount("w"));
        Map<String, Tensor> s = opt.stateDict();
        assertEquals(0.07, s.get("w.exp_avg").item(), tol);
        assertEquals(3.1225e-4, s.get("w.exp_avg_sq").item(), tol * 1e-3);
        assertEquals(2, (long) s.get("w.step").item());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void trajectoryOnAQuadraticMatchesScalarReference(DType dt) {
        // L = sum_i a_i (p_i - c_i)^2 / 2, so g_i = a_i (p_i - c_i); non-default hyper-parameters.
        double[] a = {1.0, 3.0, 0.2, 10.0}, c = {0.5, -1.0, 2.0, 0.0}, p0 = {0.0, 0.3, -0.7, 1.5};
        double lr = 0.05, b1 = 0.8, b2 = 0.95, eps = 1e-6, wd = 0.1;
        int steps = 25;
        Tensor p = Tensor.of(p0.clone(), 4).to(dt);
        AdamW opt = new AdamW(Map.of("p", p), lr, b1, b2, eps, wd);
        double[] ref = p0.clone(), m = new double[4], v = new double[4];
        for (int t = 1; t <= steps; t++) {
            double[] cur = p.toDoubleArray(), g = new double[4];
            for (int i = 0; i < 4; i++) g[i] = a[i] * (cur[i] - c[i]);
            p.setGrad(Tensor.of(g, 4).to(dt));
            opt.step();
            // Reference: Loshchilov & Hutter's AdamW with PyTorch's placement of eps, written out per scalar.
            for (int i = 0; i < 4; i++) {
                double gi = a[i] * (ref[i] - c[i]);
                ref[i] -= lr * wd * ref[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                ref[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        if (dt == DType.FLOAT64) Close.assertClose(p.toDoubleArray(), ref, 1e-12, 1e-12);
        else Close.assertClose(p.toDoubleArray(), ref, 1e-4, 1e-5);
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2), b = Tensor.of(new double[] {3}, 1);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        AdamW opt = new AdamW(params, 0.1);
        a.setGrad(Tensor.of(new double[] {1, -1}, 2));
        opt.step();
        assertEquals(3, b.item());
        assertEquals(0, opt.stepCount("b"));
        assertEquals(1, opt.stepCount("a"));
        assertTrue(opt.stateDict().keySet().stream().allMatch(k -> k.startsWith("a.")));
        opt.zeroGrad();
        assertEquals(null, a.grad());
    }

    @Test
    void stateRoundTripResumesBitForBit() {
        double[] init = {0.3, -0.2, 0.9, 1.1, -0.5, 0.0};
        Tensor p = Tensor.of(init.clone(), 2, 3).to(DType.FLOAT32);
        AdamW opt = new AdamW(Map.of("p", p), 0.01);
        for (int t = 0; t < 3; t++) stepWithGrad(opt, p, t);
        Map<String, Tensor> saved = opt.stateDict();
        Tensor snapshot = p.copy();
        for (int t = 3; t < 6; t++) stepWithGrad(opt, p, t);

        Tensor q = snapshot.copy();
        AdamW resumed = new AdamW(Map.of("p", q), 0.01);
        resumed.loadStateDict(saved);
        assertEquals(3, resumed.stepCount("p"));
        for (int t = 3; t < 6; t++) stepWithGrad(resumed, q, t);
        assertArrayEquals(p.floats(), q.floats());
    }

    private static void stepWithGrad(Optimizer opt, Tensor p, int t) {
        double[] g = new double[p.numel()];
        for (int i = 0; i < g.length; i++) g[i] = Math.sin(1.3 * i + 0.7 * t);
        p.setGrad(Tensor.of(g, p.shape()).to(p.dtype()));
        opt.step();
    }

    @Test
    void updatesDoNotDependOnTheThreadCount() {
        float[] one = Parallel.withThreads(1, () -> run(100_000));
        float[] two = Parallel.withThreads(2, () -> run(100_000));
        assertArrayEquals(one, two);
    }

    private static float[] run(int n) {
        float[] init = new float[n];
        for (int i = 0; i < n; i++) init[i] = (float) Math.cos(i);
        Tensor p = Tensor.of(init, n);
        AdamW opt = new AdamW(Map.of("p", p), 1e-2);
        for (int t = 0; t < 3; t++) stepWithGrad(opt, p, t);
        return p.floats();
    }

    @Test
    void badStateAndArgumentsAreNamed() {
        Tensor p = Tensor.zeros(DType.FLOAT64, 2);
        AdamW opt = new AdamW(Map.of("w", p), 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(Map.of("v.exp_avg", Tensor.zeros(DType.FLOAT64, 2))));
        assertTrue(e.getMessage().contains("unexpected 'v.exp_avg'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(Map.of("w.exp_avg", Tensor.zeros(DType.FLOAT64, 3))));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdamW(Map.of("w", p), 0.1, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(Map.of("w", Tensor.zeros(DType.FLOAT64, 2, 2).transpose(0, 1)), 0.1));
    }
}
