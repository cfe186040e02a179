package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pyramid samplers of SPEC §5.5b with oracle models for a single known clip x0: at every stage the oracle
 * returns the exact stage target of SPEC §5.3 for the current sample, so both samplers must end exactly on x0
 * (straight stage paths make Euler exact; DDIM with the exact eps_k is exact). The oracles are written here from
 * the equations, frame by frame, without the classes under test.
 */
class PyramidSamplerTest {
    static final int B = 2, F = 8, C = 2;

    /** x0[b, f, c] (frames on axis 1). */
    static Tensor clip() {
        return Rng.seed(21).normal(DType.FLOAT64, B, F, C);
    }

    /** Stage k's clean frame f: subsampled x0, frame f 2^{k-1}. */
    static double meanEnd(Tensor x0, int k, int b, int f, int c) {
        return x0.get(b, f << (k - 1), c);
    }

    /** Stage k's start signal, frame f: U(D_k(x0)) = x0 frame (f/2) 2^k, or D_{K-1}(x0) for the first stage K. */
    static double meanStart(Tensor x0, int k, int kMax, int b, int f, int c) {
        return k == kMax ? meanEnd(x0, k, b, f, c) : x0.get(b, (f / 2) << k, c);
    }

    /** Stage k of a sample with {@code frames} frames. */
    static int stageOf(int frames) {
        return Integer.numberOfTrailingZeros(F / frames) + 1;
    }

    @Test
    void flowSamplerRecoversTheClip() {
        PyramidConfig cfg = PyramidConfig.flow();
        PyramidStages st = cfg.stages();
        Tensor x0 = clip();
        List<int[]> calls = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        VelocityModel oracle = (x, t, cond) -> {
            int frames = x.shape(1), k = stageOf(frames);
            calls.add(x.shape());
            double time = t.get(0) / 1000;
            times.add(time);
            double local = (time - st.end(k)) / (st.start(k) - st.end(k));
            double ge = 1 - st.end(k), se = st.end(k), gs = 1 - st.start(k), ss = st.start(k);
            double sigma = (1 - local) * se + local * ss;   // noise weight of x_t on the straight stage path
            double[] v = new double[x.numel()];
            for (int b = 0; b < B; b++) for (int f = 0; f < frames; f++) for (int c = 0; c < C; c++) {
                double me = ge * meanEnd(x0, k, b, f, c), ms = gs * meanStart(x0, k, 3, b, f, c);
                double eps = (x.get(b, f, c) - ((1 - local) * me + local * ms)) / sigma;
                v[(b * frames + f) * C + c] = (ms - me) + (ss - se) * eps;   // x̂_s - x̂_e for this eps (eq. 13)
            }
            return Tensor.of(v, x.shape());
        };
        PyramidFlowSampler sampler = new PyramidFlowSampler(cfg, 9);
        assertArrayEquals(new int[] {B, 2, C}, sampler.noiseShape(new int[] {B, F, C}));
        Tensor noise = Rng.seed(22).normal(DType.FLOAT64, sampler.noiseShape(x0.shape()));
        Tensor out = sampler.sample(oracle, noise, null, Rng.seed(23));
        Close.assertClose(out, x0, 1e-9, 1e-9);
        // 3 steps per stage on 2, 4, 8 frames; the model times run down each stage from its (corrected) start.
        assertEquals(9, calls.size());
        for (int i = 0; i < 9; i++) assertEquals(2 << (i / 3), calls.get(i)[1]);
        assertEquals(1, times.get(0), 1e-12);
        assertEquals(st.start(2), times.get(3), 1e-12);
        assertEquals(st.start(1), times.get(6), 1e-12);
        for (int i = 1; i < 9; i++) if (i % 3 != 0) assertTrue(times.get(i) < times.get(i - 1));
    }

    @Test
    void ddimSamplerRecoversTheClip() {
        NoiseSchedule vc2 = NoiseSchedule.videoCrafter2();
        PyramidConfig cfg = PyramidConfig.vp(vc2);
        PyramidStages st = cfg.stages();
        Tensor x0 = clip();
        List<Integer> frameCounts = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        Denoiser oracle = Denoiser.of(PredictionType.EPSILON, (x, t, cond) -> {
            int frames = x.shape(1), k = stageOf(frames);
            frameCounts.add(frames);
            long tt = (long) t.get(0);
            steps.add(tt);
            double gt = Math.sqrt(vc2.alphaBar((int) tt)), sgt = Math.sqrt(1 - vc2.alphaBar((int) tt));
            double ge = st.gammaEnd(k), se = st.sigmaEnd(k), gs = st.gammaStart(k), ss = st.sigmaStart(k);
            double delta = gs * se - ss * ge;
            double[] eps = new double[x.numel()];
            for (int b = 0; b < B; b++) for (int f = 0; f < frames; f++) for (int c = 0; c < C; c++) {
                // For one known clip, the stage's x0-estimate d_k does not depend on the noise (SPEC §5.3 eq. 11 solved):
                // d_k = (sigma_e gamma_s M_s - sigma_s gamma_e M_e) / Delta, and eps_k = (x_t - gamma_t d_k) / sigma_t.
                double d = (se * gs * meanStart(x0, k, 3, b, f, c) - ss * ge * meanEnd(x0, k, b, f, c)) / delta;
                eps[(b * frames + f) * C + c] = (x.get(b, f, c) - gt * d) / sgt;
            }
            return Tensor.of(eps, x.shape());
        });
        PyramidDdimSampler sampler = new PyramidDdimSampler(cfg, 12);
        Tensor noise = Rng.seed(24).normal(DType.FLOAT64, sampler.noiseShape(x0.shape()));
        Tensor out = sampler.sample(oracle, noise, null, Rng.seed(25));
        Close.assertClose(out, x0, 1e-8, 1e-8);
        assertEquals(12, steps.size());
        for (int i = 0; i < 12; i++) assertEquals(2 << (i / 4), frameCounts.get(i));
        assertEquals(999, steps.get(0));
        assertEquals((long) st.start(2), steps.get(4));
        assertEquals((long) st.start(1), steps.get(8));
        for (int k = 1; k <= 3; k++) {
            int[] g = sampler.timesteps(k);
            assertEquals(4, g.length);
            for (int i = 0; i < g.length; i++) {
                assertTrue(g[i] > st.end(k) && g[i] <= st.start(k));
                if (i > 0) assertTrue(g[i] < g[i - 1]);
            }
        }
    }

    @Test
    void stageShareTimesCoverTheWholeRange() {
        PyramidConfig cfg = PyramidConfig.flow().withGlobalTime(PyramidConfig.GlobalTime.STAGE_SHARE);
        List<Double> times = new ArrayList<>();
        VelocityModel zero = (x, t, cond) -> {
            times.add(t.get(0));
            return Tensor.zeros(x.dtype(), x.shape());
        };
        Tensor out = new PyramidFlowSampler(cfg, 6).sample(zero, Tensor.zeros(DType.FLOAT32, 1, 2, 1), null, Rng.seed(1));
        assertArrayEquals(new int[] {1, 8, 1}, out.shape());
        assertEquals(1000, times.get(0), 1e-3);
        for (int i = 1; i < times.size(); i++) assertTrue(times.get(i) < times.get(i - 1), "stage-share times decrease: " + times);
    }

    @Test
    void modelOutputMustKeepTheShape() {
        PyramidFlowSampler sampler = new PyramidFlowSampler(PyramidConfig.flow(), 3);
        VelocityModel bad = (x, t, cond) -> Tensor.zeros(x.dtype(), 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> sampler.sample(bad, Tensor.zeros(DType.FLOAT32, 2, 2, 1), null, Rng.seed(1)));
        assertTrue(e.getMessage().contains("stage 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PyramidFlowSampler(PyramidConfig.vp(NoiseSchedule.videoCrafter2()), 3));
        assertThrows(IllegalArgumentException.class, () -> new PyramidDdimSampler(PyramidConfig.flow(), 3));
        assertThrows(IllegalArgumentException.class, () -> new PyramidFlowSampler(PyramidConfig.flow(), 2));
    }

    @Test
    void renoisingNeedsAnRng() {
        PyramidFlowSampler sampler = new PyramidFlowSampler(PyramidConfig.flow(), 3);
        VelocityModel zero = (x, t, cond) -> Tensor.zeros(x.dtype(), x.shape());
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(zero, Tensor.zeros(DType.FLOAT32, 1, 2, 1), null, null));
        // Without renoising no noise is drawn.
        PyramidFlowSampler plain = new PyramidFlowSampler(PyramidConfig.flow().withRenoising(PyramidConfig.Renoising.NONE), 3);
        Tensor out = plain.sample(zero, Tensor.of(new float[] {1, 2}, 1, 2, 1), null, null);
        assertEquals(Arrays.toString(new double[] {1, 1, 1, 1, 2, 2, 2, 2}), Arrays.toString(out.toDoubleArray()));
    }
}
