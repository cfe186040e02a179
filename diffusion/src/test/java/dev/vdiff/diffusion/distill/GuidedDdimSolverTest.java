package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.ClassifierFreeGuidance;
import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SPEC §3.5 items 1 and 5, and the sign of both motion terms (SPEC §3.3, §3.5 item 3). */
class GuidedDdimSolverTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    /** SPEC §3.5 item 1: the N = 200 grid is {4, 9, ..., 999} and t_n = max(t_{n+k} - 5, 0). */
    @Test
    void gridAndEndTimes() {
        int[] grid = Timesteps.distillationGrid(200, 1000);
        assertEquals(4, grid[0]);
        assertEquals(9, grid[1]);
        assertEquals(999, grid[199]);
        for (int i = 1; i < 200; i++) assertEquals(5, grid[i] - grid[i - 1]);
        GuidedDdimSolver solver = new GuidedDdimSolver(VC2, 1000 / 200, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        long[] ts = {4, 9, 999, 3, 0};
        assertArrayEquals(new long[] {0, 4, 994, 0, 0}, solver.endTimes(Tensor.ofLongs(ts, 5)).longs());
    }

    /**
     * SPEC §3.5 item 5: x0_T = (1 + omega) x0_c - omega x0_u, written out from the teacher outputs; omega = 0 is the
     * conditional teacher's plain DDIM step (DdimStep); and with lambda = 0 the step equals DdimStep on the
     * LCM-guided eps (ClassifierFreeGuidance.lcm), an independent route (SPEC §1.4: guidance is affine).
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void cfgInTheLcmForm(long seed) {
        Rng rng = Rng.seed(seed);
        Tensor z = rng.normal(DType.FLOAT64, 2, 3, 2, 2), eC = rng.normal(DType.FLOAT64, 2, 3, 2, 2), eU = rng.normal(DType.FLOAT64, 2, 3, 2, 2);
        double[] w = {0.5 + 10 * rng.nextDouble(), 5 + 10 * rng.nextDouble()};
        int[] t = {499, 19};
        GuidedDdimSolver solver = new GuidedDdimSolver(VC2, 20, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        GuidedDdimSolver.Result r = solver.step(z, eC, eU, null, Tensor.of(w, 2), null, Tensor.ofLongs(new long[] {t[0], t[1]}, 2));
        DdimStep ddim = new DdimStep(VC2, PredictionType.EPSILON, 0);
        for (int b = 0; b < 2; b++) {
            Tensor zb = z.narrow(0, b, 1).contiguous(), cb = eC.narrow(0, b, 1).contiguous(), ub = eU.narrow(0, b, 1).contiguous();
            double a = VC2.sqrtAlphaBar(t[b]), s = VC2.sqrtOneMinusAlphaBar(t[b]);
            double[] x0c = Parameterization.x0FromEpsilon(zb, cb, a, s).doubles(), x0u = Parameterization.x0FromEpsilon(zb, ub, a, s).doubles();
            double[] expect = new double[x0c.length];
            for (int i = 0; i < expect.length; i++) expect[i] = (1 + w[b]) * x0c[i] - w[b] * x0u[i];
            Close.assertClose(r.x0T().narrow(0, b, 1).contiguous().doubles(), expect, 1e-12, 1e-12);
            Tensor guided = ClassifierFreeGuidance.lcm(cb, ub, w[b]);
            Close.assertClose(r.zPrev().narrow(0, b, 1).contiguous(), ddim.step(zb, guided, t[b], Math.max(t[b] - 20, 0)).prevSample(), 1e-11, 1e-12);
        }
        GuidedDdimSolver.Result plain = solver.step(z, eC, eU, null, Tensor.of(new double[] {0, 0}, 2), null, Tensor.ofLongs(new long[] {t[0], t[1]}, 2));
        for (int b = 0; b < 2; b++) {
            Tensor zb = z.narrow(0, b, 1).contiguous(), cb = eC.narrow(0, b, 1).contiguous();
            Close.assertClose(plain.zPrev().narrow(0, b, 1).contiguous(), ddim.step(zb, cb, t[b], Math.max(t[b] - 20, 0)).prevSample(), 1e-12, 1e-12);
        }
    }

    /**
     * Both motion terms move z_prev along -g, by lambda s_{t_e} sqrt(1 - sqrt(abar_{t_s})) (released code) or by
     * lambda (paper eq. 8 as a descent step); lambda = 0 leaves the step unchanged bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"RELEASED_CODE", "PAPER_EQ8"})
    void motionTermMovesAgainstTheScore(String term) {
        Rng rng = Rng.seed(9);
        Tensor z = rng.normal(DType.FLOAT64, 2, 4), eC = rng.normal(DType.FLOAT64, 2, 4), eU = rng.normal(DType.FLOAT64, 2, 4), g = rng.normal(DType.FLOAT64, 2, 4);
        GuidedDdimSolver solver = new GuidedDdimSolver(VC2, 5, GuidedDdimSolver.MotionTerm.valueOf(term));
        Tensor omega = Tensor.of(new double[] {7, 12}, 2), tS = Tensor.ofLongs(new long[] {999, 504}, 2);
        double[] lam = {0.05, 0};
        Tensor without = solver.step(z, eC, eU, null, omega, null, tS).zPrev();
        Tensor with = solver.step(z, eC, eU, g, omega, Tensor.of(lam, 2), tS).zPrev();
        double[] d = with.doubles(), d0 = without.doubles(), gv = g.doubles();
        double k0 = term.equals("RELEASED_CODE") ? 0.05 * VC2.sqrtOneMinusAlphaBar(994) * Math.sqrt(1 - Math.sqrt(VC2.alphaBar(999))) : 0.05;
        for (int i = 0; i < 4; i++) assertEquals(-k0 * gv[i], d[i] - d0[i], 1e-13);
        for (int i = 4; i < 8; i++) assertEquals(d0[i], d[i], 0.0);   // lambda = 0: untouched
    }

    @Test
    void badInputsAreOneLineErrors() {
        GuidedDdimSolver solver = new GuidedDdimSolver(VC2, 5, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        Tensor z = Tensor.zeros(DType.FLOAT64, 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> solver.step(z, z, Tensor.zeros(DType.FLOAT64, 2, 4), null, Tensor.of(new double[] {1, 1}, 2), null, Tensor.ofLongs(new long[] {5, 5}, 2)));
        assertEquals("GuidedDdimSolver: e_u must be float64[2, 3] like z, got float64[2, 4]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> solver.step(z, z, z, null, Tensor.of(new double[] {1, 1}, 2), null, Tensor.ofLongs(new long[] {5, 1000}, 2)));
        assertThrows(IllegalArgumentException.class, () -> new GuidedDdimSolver(VC2, 0, GuidedDdimSolver.MotionTerm.RELEASED_CODE));
    }
}
