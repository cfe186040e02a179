package dev.vdiff.diffusion;

import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §1.8 items 1-6 as properties over seeded random draws (timesteps, step pairs, samples, parameterisations),
 * float64 at 1e-12. The fixed-value versions live in the per-class tests.
 */
class SpecPropertiesTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();
    private static final double TOL = 1e-12;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void item1ConsistencyBoundary(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LcmBoundary b = new LcmBoundary(0.5, 1 + 15 * r.nextDouble());
        Tensor z = Samples.normal(seed, 2, 3, 4), x0 = Samples.normal(seed + 100, 2, 3, 4);
        Close.assertClose(b.denoised(z, x0, 0), z, 0, 0);
        for (int k = 0; k < 50; k++) {
            double t = 999 * r.nextDouble(), u = t + 1e-3 + 10 * r.nextDouble();
            assertEquals(1 - b.cSkip(t), b.cOut(t) * b.cOut(t), TOL);
            assertTrue(b.cSkip(u) < b.cSkip(t) && b.cOut(u) > b.cOut(t));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void items2And3DdimStepAndInversionWithTheExactNoise(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int t = 1 + r.nextInt(999), p = r.nextInt(t + 1) - 1;   // -1 <= p <= t
        PredictionType type = PredictionType.values()[r.nextInt(3)];
        Tensor x0 = Samples.normal(seed, 2, 2, 3, 4), eps = Samples.normal(seed + 1, 2, 2, 3, 4);
        double a = VC2.sqrtAlphaBar(t), s = VC2.sqrtOneMinusAlphaBar(t);
        Tensor zt = Parameterization.addNoise(x0, eps, a, s);
        Tensor out = type == PredictionType.EPSILON ? eps : type == PredictionType.SAMPLE ? x0 : Parameterization.velocity(x0, eps, a, s);
        DdimStep ddim = new DdimStep(VC2, type, 0);
        Tensor zp = ddim.step(zt, out, t, p).prevSample();
        double ap = p < 0 ? 1 : VC2.sqrtAlphaBar(p), sp = p < 0 ? 0 : VC2.sqrtOneMinusAlphaBar(p);
        Close.assertClose(zp, Parameterization.addNoise(x0, eps, ap, sp), TOL, 20 * TOL);   // item 2
        Tensor e = Parameterization.epsilon(type, zt, out, a, s);
        Close.assertClose(ddim.invert(zp, e, p, t), zt, TOL, 20 * TOL);                     // item 3
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void item4ConversionsRoundTrip(long seed) {
        int t = new SplittableRandom(seed).nextInt(1000);
        double a = VC2.sqrtAlphaBar(t), s = VC2.sqrtOneMinusAlphaBar(t);
        Tensor x0 = Samples.normal(seed, 3, 7), eps = Samples.normal(seed + 1, 3, 7), zt = Parameterization.addNoise(x0, eps, a, s);
        Tensor v = Parameterization.velocity(x0, eps, a, s);
        Close.assertClose(Parameterization.epsilonFromX0(zt, Parameterization.x0FromEpsilon(zt, eps, a, s), a, s), eps, TOL, TOL / (a * s));
        Close.assertClose(Parameterization.x0FromV(zt, v, a, s), x0, TOL, TOL);
        Close.assertClose(Parameterization.epsilonFromV(zt, v, a, s), eps, TOL, TOL);
    }

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(ints = {1000, 250})
    void item5BetaSchedule(int steps) {
        NoiseSchedule sch = NoiseSchedule.scaledLinear(steps, 0.00085, 0.012);
        assertEquals(0.00085, sch.beta(0), TOL * 0.00085);
        assertEquals(0.012, sch.beta(steps - 1), TOL * 0.012);
        for (int t = 1; t < steps; t++) assertTrue(sch.alphaBar(t) < sch.alphaBar(t - 1) && sch.beta(t) <= 0.012 * (1 + TOL));
        if (steps == 1000) assertEquals(0.0046601, sch.alphaBar(999), 5e-8);
    }

    @ParameterizedTest(name = "O = {0}")
    @ValueSource(ints = {50, 100, 200, 250})
    void item6LcmTimesteps(int origin) {
        if (origin == 50) assertArrayEquals(new int[] {999, 759, 519, 279}, Timesteps.lcm(4, 50, 1000));
        // For every n: n strictly decreasing points of the origin grid (c-1, 2c-1, ...), starting at its top, O/n apart.
        int c = 1000 / origin;
        for (int n = 1; n <= origin; n++) {
            int[] ts = Timesteps.lcm(n, origin, 1000);
            assertEquals(n, ts.length);
            assertEquals(origin * c - 1, ts[0]);
            for (int i = 0; i < n; i++) {
                assertEquals(c - 1, Math.floorMod(ts[i], c), "on the origin grid");
                if (i > 0) assertEquals((origin / n) * c, ts[i - 1] - ts[i]);
            }
        }
    }
}
