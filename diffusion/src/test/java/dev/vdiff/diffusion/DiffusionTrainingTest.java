package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.2: training inputs and targets; each target is what an exact network would output. */
class DiffusionTrainingTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();
    private static final long[] STEPS = {999, 0, 261};

    @Test
    void addNoiseUsesEachSamplesTimestep() {
        DiffusionTraining training = new DiffusionTraining(SCHEDULE, PredictionType.EPSILON);
        Tensor x0 = Samples.normal(1, 3, 2, 4), eps = Samples.normal(2, 3, 2, 4);
        Tensor zt = training.addNoise(x0, eps, Tensor.ofLongs(STEPS, 3));
        double[] x = x0.toDoubleArray(), e = eps.toDoubleArray(), z = zt.toDoubleArray();
        for (int i = 0; i < z.length; i++) {
            int t = (int) STEPS[i / 8];
            assertTrue(Math.abs(z[i] - (SCHEDULE.sqrtAlphaBar(t) * x[i] + SCHEDULE.sqrtOneMinusAlphaBar(t) * e[i])) <= 1e-15, "z_t at " + i);
        }
    }

    @Test
    void targetsConvertBackToTheTruth() {
        Tensor x0 = Samples.normal(3, 3, 5), eps = Samples.normal(4, 3, 5), t = Tensor.ofLongs(STEPS, 3);
        Tensor a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t);
        for (PredictionType type : PredictionType.values()) {
            DiffusionTraining training = new DiffusionTraining(SCHEDULE, type);
            DiffusionTraining.Pair p = training.pair(x0, eps, t);
            // An exact network outputs the target; converting it with SPEC §1.2 must give back x0 and eps.
            Close.assertClose(Parameterization.x0(type, p.input(), p.target(), a, s), x0, 1e-12, 1e-10);
            if (type != PredictionType.SAMPLE) Close.assertClose(Parameterization.epsilon(type, p.input(), p.target(), a, s), eps, 1e-12, 1e-12);
        }
        assertSame(eps, new DiffusionTraining(SCHEDULE, PredictionType.EPSILON).target(x0, eps, t));
        assertSame(x0, new DiffusionTraining(SCHEDULE, PredictionType.SAMPLE).target(x0, eps, t));
    }

    @Test
    void float32AndGradients() {
        DiffusionTraining training = new DiffusionTraining(SCHEDULE, PredictionType.V_PREDICTION);
        Tensor x0 = Samples.normal(5, 2, 3), eps = Samples.normal(6, 2, 3), t = Tensor.ofLongs(new long[] {10, 900}, 2);
        DiffusionTraining.Pair p64 = training.pair(x0, eps, t), p32 = training.pair(x0.to(DType.FLOAT32), eps.to(DType.FLOAT32), t);
        Close.assertClose(p32.input().to(DType.FLOAT64), p64.input(), 1e-6, 1e-6);
        Close.assertClose(p32.target().to(DType.FLOAT64), p64.target(), 1e-6, 1e-6);
        GradCheck.check(x -> training.addNoise(x[0], x[1], t), x0.requiresGrad(true), eps.requiresGrad(true));
        GradCheck.check(x -> training.target(x[0], x[1], t), x0, eps);
    }

    @Test
    void timestepsAreUniformIntegersFromTheRng() {
        DiffusionTraining training = new DiffusionTraining(SCHEDULE, PredictionType.EPSILON);
        Tensor a = training.sampleTimesteps(Rng.seed(1), 256);
        assertArrayEquals(a.longs(), training.sampleTimesteps(Rng.seed(1), 256).longs());
        for (long v : a.longs()) assertTrue(v >= 0 && v < 1000);
    }

    @Test
    void badArguments() {
        DiffusionTraining training = new DiffusionTraining(SCHEDULE, PredictionType.EPSILON);
        Tensor x0 = Samples.normal(1, 3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> training.addNoise(x0, x0, Tensor.ofLongs(new long[] {1, 2}, 2)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> training.addNoise(x0, x0, Tensor.of(new double[] {1, 2, 3}, 3)));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }
}
