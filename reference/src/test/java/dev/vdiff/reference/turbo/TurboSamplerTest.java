package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Student LCM sampling (SPEC §1.5, §3.4b): one network call per step, lambda by time, the one-step formula. */
class TurboSamplerTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    /** n steps make n student calls (no CFG pass): counted through the temporal attention hook (3 layers per call). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void oneNetworkCallPerStep(int steps) {
        GuidedStudent student = GuidedStudent.fromTeacher(TurboFixtures.teacher(DType.FLOAT32, 1), new GuidedStudent.Config(16, true), Rng.seed(2));
        AtomicInteger layers = new AtomicInteger();
        student.unet().setTemporalAttentionHook((name, p) -> layers.incrementAndGet());
        TurboSampler sampler = new TurboSampler(VC2, LcmBoundary.T2V_TURBO, TurboSampler.Config.of(steps, 200));
        Tensor out = sampler.sample(student, Rng.seed(3).normal(DType.FLOAT32, 2, 4, 3, 8, 8), Tensor.ofLongs(new long[] {0, 1}, 2), Rng.seed(4));
        assertEquals(3 * steps, layers.get());   // enc1_tattn, mid_tattn, dec1_tattn per call
        assertArrayEquals(new int[] {2, 4, 3, 8, 8}, out.shape());
    }

    /** SPEC §1.5 examples and §3.4b's lambda schedule (0.05 for t >= 700 with percentage 0.3). */
    @Test
    void timestepsAndLambdaSchedule() {
        TurboSampler s = new TurboSampler(VC2, LcmBoundary.T2V_TURBO, TurboSampler.Config.of(4, 200));
        assertArrayEquals(new int[] {999, 749, 499, 249}, s.timesteps());
        assertEquals(0.05, s.lambdaAt(999), 0.0);
        assertEquals(0.05, s.lambdaAt(700), 0.0);
        assertEquals(0.0, s.lambdaAt(699), 0.0);
    }

    /** One step is f_theta(noise, 999) = c_skip z + c_out (z - s eps) / a, computed here from the student's output. */
    @Test
    void oneStepIsTheConsistencyFunction() {
        GuidedStudent student = GuidedStudent.fromTeacher(TurboFixtures.teacher(DType.FLOAT64, 1), new GuidedStudent.Config(16, true), Rng.seed(2));
        Tensor z = Rng.seed(3).normal(DType.FLOAT64, 2, 4, 3, 8, 8), y = Tensor.ofLongs(new long[] {0, 1}, 2);
        Tensor sample = new TurboSampler(VC2, LcmBoundary.T2V_TURBO, new TurboSampler.Config(1, 200, 7.5, 0.05, 0.3)).sample(student, z, y, null);
        double[] eps;
        try (var s = Autograd.noGrad()) {
            eps = student.forward(z, Tensor.ofLongs(new long[] {999, 999}, 2), y, Tensor.of(new double[] {7.5, 7.5}, 2), Tensor.of(new double[] {0.05, 0.05}, 2)).contiguous().doubles();
        }
        double a = VC2.sqrtAlphaBar(999), sd = VC2.sqrtOneMinusAlphaBar(999);
        double st = 10 * 999.0, cSkip = 0.25 / (st * st + 0.25), cOut = st / Math.sqrt(st * st + 0.25);
        double[] zv = z.doubles(), expect = new double[zv.length];
        for (int i = 0; i < zv.length; i++) expect[i] = cSkip * zv[i] + cOut * (zv[i] - sd * eps[i]) / a;
        Close.assertClose(sample.contiguous().doubles(), expect, 1e-12, 1e-12);
    }
}
