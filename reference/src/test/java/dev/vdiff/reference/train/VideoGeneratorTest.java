package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The samplers driven through {@link VideoGenerator} by "oracle" networks that know the one clean video x0*:
 * with the exact noise (DDPM) or the exact velocity (flow), DDIM, LCM and the flow Euler sampler must all land
 * on x0* (SPEC §1.8 item 2 for DDIM; the straight path makes Euler exact). Guidance changes nothing when the
 * oracle ignores labels.
 */
class VideoGeneratorTest {
    static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();
    static final int F = 2, C = 3, H = 4, W = 4;
    static final Tensor X0 = Rng.seed(7).uniform(-0.9, 0.9, DType.FLOAT64, 1, F, C, H, W);

    /** A network that returns the exact epsilon, v (DDPM) or flow velocity of x0*, ignoring the label. */
    static final class Oracle extends Module implements Denoiser {
        final boolean flow, v;

        Oracle(boolean flow) {
            this(flow, false);
        }

        Oracle(boolean flow, boolean v) {
            this.flow = flow;
            this.v = v;
            param("unused", Tensor.zeros(DType.FLOAT64, 1));
        }

        @Override
        public Module module() {
            return this;
        }

        @Override
        public int numClasses() {
            return 3;
        }

        @Override
        public Tensor forward(Tensor x, Tensor t, Tensor y) {
            int b = x.shape(0);
            long[] ts = t.longs();
            Tensor[] rows = new Tensor[b];
            for (int i = 0; i < b; i++) {
                Tensor xi = x.narrow(0, i, 1);
                if (flow) {
                    double sigma = ts[i] / 1000.0;                       // v = (x - x0) / sigma on the straight path
                    rows[i] = Arithmetic.mul(Arithmetic.sub(xi, X0), 1 / sigma);
                } else {
                    int tt = (int) ts[i];                                 // eps = (z - a x0) / s
                    double a = SCHEDULE.sqrtAlphaBar(tt), s = SCHEDULE.sqrtOneMinusAlphaBar(tt);
                    Tensor eps = Arithmetic.mul(Arithmetic.sub(xi, Arithmetic.mul(X0, a)), 1 / s);
                    rows[i] = v ? Arithmetic.sub(Arithmetic.mul(eps, a), Arithmetic.mul(X0, s)) : eps;   // v = a eps - s x0
                }
            }
            return dev.vdiff.tensor.ops.Concat.cat(0, rows);
        }
    }

    static void assertLandsOnX0(List<Tensor> videos, double tol) {
        double[] want = X0.reshape(F, C, H, W).contiguous().doubles();
        for (Tensor v : videos) {
            double[] got = v.toDoubleArray();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol + tol * Math.abs(want[i]), "element " + i);
        }
    }

    @Test
    void ddimWithExactNoiseLandsOnTheCleanVideo() {
        VideoGenerator g = new VideoGenerator(new Oracle(false), Objective.EPSILON, SCHEDULE, SamplerSettings.ddim(10, 3.0), 2);
        assertLandsOnX0(g.generate(new long[] {0, 1, 2}, F, C, H, W, Rng.seed(1), null), 1e-5);
    }

    @Test
    void ddimWithExactVelocityOfAVModelLandsOnTheCleanVideo() {
        VideoGenerator g = new VideoGenerator(new Oracle(false, true), Objective.V, SCHEDULE, SamplerSettings.ddim(10, 2.0), 4);
        assertLandsOnX0(g.generate(new long[] {0, 1}, F, C, H, W, Rng.seed(4), null), 1e-5);
    }

    @Test
    void lcmWithExactNoiseLandsOnTheCleanVideo() {
        VideoGenerator g = new VideoGenerator(new Oracle(false), Objective.EPSILON, SCHEDULE, SamplerSettings.lcm(4, 2.0), 4);
        assertLandsOnX0(g.generate(new long[] {1, 2}, F, C, H, W, Rng.seed(2), null), 1e-5);
    }

    @Test
    void flowEulerWithExactVelocityLandsOnTheCleanVideo() {
        VideoGenerator g = new VideoGenerator(new Oracle(true), Objective.FLOW, SCHEDULE, SamplerSettings.flow(8, 1.5), 4);
        assertLandsOnX0(g.generate(new long[] {0, 2}, F, C, H, W, Rng.seed(3), null), 1e-5);
    }

    @Test
    void aSampleDoesNotDependOnItsCompany() {
        Denoiser tiny = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(1));
        VideoGenerator one = new VideoGenerator(tiny, Objective.EPSILON, SCHEDULE, SamplerSettings.ddim(5, 2.0), 1);
        VideoGenerator many = new VideoGenerator(tiny, Objective.EPSILON, SCHEDULE, SamplerSettings.ddim(5, 2.0), 3);
        List<Tensor> a = one.generate(new long[] {4, 1}, F, C, H, W, Rng.seed(9), null);
        List<Tensor> b = many.generate(new long[] {4, 1, 0, 3}, F, C, H, W, Rng.seed(9), null);
        assertArrayEquals(a.get(0).floats(), b.get(0).floats(), 0f);
        assertArrayEquals(a.get(1).floats(), b.get(1).floats(), 0f);
        assertTrue(a.get(0).shape().length == 4 && a.get(0).shape(0) == F);
    }

    @Test
    void samplerMustFitTheObjectiveAndLabelsTheModel() {
        Denoiser tiny = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(1));
        assertThrows(IllegalArgumentException.class, () -> new VideoGenerator(tiny, Objective.EPSILON, SCHEDULE, SamplerSettings.flow(4, 1), 1));
        assertThrows(IllegalArgumentException.class, () -> new VideoGenerator(tiny, Objective.FLOW, SCHEDULE, SamplerSettings.ddim(4, 1), 1));
        VideoGenerator g = new VideoGenerator(tiny, Objective.EPSILON, SCHEDULE, SamplerSettings.ddim(4, 1), 1);
        assertThrows(IllegalArgumentException.class, () -> g.generate(new long[] {6}, F, C, H, W, Rng.seed(1), null));
    }
}
