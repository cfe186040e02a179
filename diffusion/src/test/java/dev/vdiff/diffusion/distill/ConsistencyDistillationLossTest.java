package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.ConsistencyFunction;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** SPEC §3.5 items 1 and 6, the stop-gradient of eq. 9, and float64 gradient checks of the consistency function. */
class ConsistencyDistillationLossTest {
    private static final ConsistencyDistillationLoss CD = ConsistencyDistillationLoss.t2vTurbo();

    private static Tensor tensor(double... v) {
        return Tensor.of(v, 1, v.length);
    }

    private static double huber(double[] a, double[] b) {
        Tensor t = Tensor.ofLongs(new long[] {0}, 1);   // t = 0: f is the identity, so the loss is d(a, b) itself
        return CD.evaluate(tensor(a), tensor(new double[a.length]), tensor(b), tensor(new double[a.length]), t, t).loss().item();
    }

    /** SPEC §3.5 item 1: f at t = 0 returns its input exactly (c_skip = 1, c_out = 0), whatever the network says. */
    @Test
    void consistencyFunctionIsTheIdentityAtZero() {
        Tensor z = Rng.seed(1).normal(DType.FLOAT64, 2, 3, 4), eps = Rng.seed(2).normal(DType.FLOAT64, 2, 3, 4);
        Tensor zero = Tensor.ofLongs(new long[] {0, 0}, 2);
        var r = CD.evaluate(z, eps, z, eps, zero, zero);
        assertArrayEquals(z.doubles(), r.fStudent().contiguous().doubles(), 0.0);
        assertArrayEquals(z.doubles(), r.fTarget().contiguous().doubles(), 0.0);
        assertEquals(0.0, r.loss().item(), 0.0);
    }

    /** SPEC §3.5 item 6: d(a, a) = 0; d ~ |a - b| far above c; d ~ (a - b)^2 / (2c) far below c (c = 0.001). */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void pseudoHuberLimits(long seed) {
        Rng rng = Rng.seed(seed);
        double[] a = rng.normal(DType.FLOAT64, 6).doubles();
        assertEquals(0.0, huber(a, a), 0.0);
        double[] far = a.clone(), near = a.clone();
        double sumAbs = 0, sumSq = 0;
        for (int i = 0; i < a.length; i++) {
            double d = 1 + rng.nextDouble();        // |a - b| in [1, 2]: >> 0.001
            far[i] = a[i] + (i % 2 == 0 ? d : -d);
            sumAbs += d;
            double s = 1e-6 * (1 + rng.nextDouble());   // << 0.001
            near[i] = a[i] - s;
            sumSq += s * s;
        }
        assertEquals(sumAbs / a.length, huber(far, a), 1e-3 * sumAbs / a.length);   // |d| - c, relative error ~ c / |d|
        double expect = sumSq / (2 * 0.001) / a.length;
        assertEquals(expect, huber(near, a), 1e-2 * expect);                      // relative error ~ d^2 / (4 c^2) ~ 1e-6
    }

    /** Eq. 9: the loss sends no gradient to the target side (z_prev, eps_target); the student side gets one. */
    @Test
    void targetIsUnderStopGradient() {
        Rng rng = Rng.seed(5);
        Tensor z = rng.normal(DType.FLOAT64, 2, 6).requiresGrad(true), es = rng.normal(DType.FLOAT64, 2, 6).requiresGrad(true);
        Tensor zp = rng.normal(DType.FLOAT64, 2, 6).requiresGrad(true), et = rng.normal(DType.FLOAT64, 2, 6).requiresGrad(true);
        CD.evaluate(z, es, zp, et, Tensor.ofLongs(new long[] {999, 504}, 2), Tensor.ofLongs(new long[] {994, 499}, 2)).loss().backward();
        assertNull(zp.grad());
        assertNull(et.grad());
        double norm = 0;
        for (double v : es.grad().doubles()) norm += v * v;
        assertEquals(true, norm > 0);
    }

    /** Gradient check (float64 central differences) of f_theta = c_skip z + c_out x0_hat in z and the eps output. */
    @ParameterizedTest
    @ValueSource(ints = {1, 19, 499, 999})
    void consistencyFunctionGradient(int t) {
        ConsistencyFunction f = new ConsistencyFunction(NoiseSchedule.videoCrafter2(), LcmBoundary.T2V_TURBO);
        Tensor ts = Tensor.ofLongs(new long[] {t, Math.max(t - 5, 0)}, 2);
        GradCheck.check(x -> f.fromOutput(PredictionType.EPSILON, x[0], x[1], ts),
            Rng.seed(t).normal(DType.FLOAT64, 2, 3, 2).requiresGrad(true), Rng.seed(t + 1).normal(DType.FLOAT64, 2, 3, 2).requiresGrad(true));
    }

    /** Gradient check of the whole loss in the student's inputs (the target held fixed). */
    @Test
    void lossGradient() {
        Tensor zp = Rng.seed(7).normal(DType.FLOAT64, 2, 5), et = Rng.seed(8).normal(DType.FLOAT64, 2, 5);
        Tensor tS = Tensor.ofLongs(new long[] {19, 4}, 2), tE = Tensor.ofLongs(new long[] {14, 0}, 2);
        ConsistencyDistillationLoss wide = new ConsistencyDistillationLoss(NoiseSchedule.videoCrafter2(), LcmBoundary.T2V_TURBO, 0.1);
        GradCheck.check(x -> wide.evaluate(x[0], x[1], zp, et, tS, tE).loss(),
            Rng.seed(5).normal(DType.FLOAT64, 2, 5).requiresGrad(true), Rng.seed(6).normal(DType.FLOAT64, 2, 5).requiresGrad(true));
    }
}
