package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * L_MCD with a v-predicting teacher and student (SPEC §1.2; Salimans and Ho 2022, §4) on the schedule rescaled to zero
 * terminal SNR (Lin et al. 2024, Algorithm 1): the student output and the DDIM target written out in this test with the
 * velocity identities {@code x0 = a z - s v}, {@code eps = s z + a v} (from {@code v = a eps - s x0}, {@code z = a x0 + s eps}),
 * one DDIM step {@code z' = a' x0 + s' eps} (SPEC §1.3, eta 0) and the boundary scalings with S = 4 (SPEC §1.5), per
 * element in float64, against {@link MotionConsistencyDistillation}. At the last grid index {@code t_s = 999} with
 * {@code a = 0}: {@code x0 = -v}, {@code eps = z}, finite (an eps network there would divide by zero).
 */
class VPredictionTeacherTest {
    static final NoiseSchedule ZSNR = NoiseSchedule.videoCrafter2().rescaledToZeroTerminalSnr();

    /** v(x) = tanh(x * w[c]) + 0.1 x per channel over [B, C, F, H, W] (the same toy as MotionConsistencyDistillationTest, read as v). */
    static Denoiser toyV(double[] w) {
        Tensor wt = Tensor.of(w.clone(), w.length);
        return Denoiser.of(PredictionType.V_PREDICTION, (x, t, cond) ->
            Arithmetic.add(Pointwise.tanh(Arithmetic.mul(x, wt.reshape(1, w.length, 1, 1, 1))), Arithmetic.mul(x, 0.1)));
    }

    static double v(double x, double w) {
        return Math.tanh(x * w) + 0.1 * x;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void studentAndTargetMatchTheVelocityFormulasWrittenOut(long seed) {
        assertEquals(0.0, ZSNR.alphaBar(999), 1e-15, "zero terminal SNR");
        double[] wStudent = {0.7, -0.4}, wTeacher = {0.5, -0.3}, wTarget = {0.6, 0.2};
        int b = 200, c = 2, per = 3;   // [200, 2, 1, 1, 3]: several samples land on n = 49
        Tensor x0 = Rng.seed(seed).normal(DType.FLOAT64, b, c, 1, 1, per);
        MotionConsistencyDistillation.Config m = MotionConsistencyDistillation.Config.MCM;
        double omega = 3;   // omegaMin = omegaMax: every sample's guidance known; null conditions make the two passes equal
        MotionConsistencyDistillation mcd = new MotionConsistencyDistillation(new MotionConsistencyDistillation.Config(m.gridPoints(), omega, omega, m.huberC(), m.boundary(), 0), ZSNR);
        MotionTarget raw = MotionTarget.fixed(MotionRepresentation.RAW, ButterworthFilter.MCM, MotionTarget.Layout.BCFHW);
        MotionConsistencyDistillation.Step st = mcd.loss(toyV(wStudent), toyV(wTarget), toyV(wTeacher), raw, x0, null, null, Rng.seed(seed + 100));
        double[] z = st.z().contiguous().doubles(), fs = st.studentOutput().contiguous().doubles(), ft = st.targetOutput().contiguous().doubles();
        LcmBoundary bd = LcmBoundary.MCM;
        int last = 0;
        for (int i = 0; i < b; i++) {
            int n = st.gridIndex()[i], ts = 20 * (n + 1) - 1, te = Math.max(ts - 20, 0);
            if (n == 49) last++;
            double as = Math.sqrt(ZSNR.alphaBar(ts)), ss = Math.sqrt(1 - ZSNR.alphaBar(ts)), ae = Math.sqrt(ZSNR.alphaBar(te)), se = Math.sqrt(1 - ZSNR.alphaBar(te));
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < per; k++) {
                    int idx = (i * c + ch) * per + k;
                    double zi = z[idx];
                    // student: f = c_skip z + c_out x0_hat, x0_hat = a z - s v
                    double fStudent = bd.cSkip(ts) * zi + bd.cOut(ts) * (as * zi - ss * v(zi, wStudent[ch]));
                    // teacher (both passes equal, so CFG returns them), DDIM eta 0 to t_e, target at t_e
                    double vt = v(zi, wTeacher[ch]), x0t = as * zi - ss * vt, epst = ss * zi + as * vt;
                    double zPrev = ae * x0t + se * epst;
                    double fTarget = bd.cSkip(te) * zPrev + bd.cOut(te) * (ae * zPrev - se * v(zPrev, wTarget[ch]));
                    assertEquals(fStudent, fs[idx], 1e-12, "student, sample " + i + " t " + ts);
                    assertEquals(fTarget, ft[idx], 1e-12, "target, sample " + i + " t " + ts + " -> " + te);
                    assertTrue(Double.isFinite(ft[idx]));
                }
            }
        }
        assertTrue(last > 0, "no sample at the last grid index (t = 999, a = 0)");
    }
}
