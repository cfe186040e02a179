package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training-recipe options: zero terminal SNR in run.json, and the Min-SNR-gamma weights against the identities they rest on. */
class RecipeOptionsTest {
    /**
     * The weighted loss of each objective equals the clean-video error weighted by {@code min(SNR, gamma)} (epsilon,
     * Hang et al. 2023) or {@code min(SNR + 1, gamma)} (v, our floor): checked on random predictions through
     * {@link Parameterization}'s conversions, not through the weight's formula.
     */
    @Test
    void minSnrWeightsTheCleanVideoErrorAsStated() {
        NoiseSchedule sch = NoiseSchedule.videoCrafter2();
        Rng r = Rng.seed(7);
        double gamma = 5;
        for (int t : new int[] {0, 50, 200, 500, 999}) {
            double a = sch.sqrtAlphaBar(t), s = sch.sqrtOneMinusAlphaBar(t), snr = a * a / (s * s);
            Tensor x0 = r.normal(DType.FLOAT64, 64), eps = r.normal(DType.FLOAT64, 64), guess = r.normal(DType.FLOAT64, 64);
            Tensor zt = Parameterization.addNoise(x0, eps, a, s);
            // epsilon: the guess is an eps prediction; its x0 error from the conversion.
            double epsLoss = mse(guess, eps), x0Loss = mse(Parameterization.x0FromEpsilon(zt, guess, a, s), x0);
            double wEps = MinSnrWeight.weight(snr, Objective.EPSILON, gamma);
            assertEquals(Math.min(snr, gamma) * x0Loss, wEps * epsLoss, 1e-9 * epsLoss, "eps t=" + t);
            // v: the guess is a v prediction.
            double vLoss = mse(guess, Parameterization.velocity(x0, eps, a, s)), x0LossV = mse(Parameterization.x0FromV(zt, guess, a, s), x0);
            double wV = MinSnrWeight.weight(snr, Objective.V, gamma);
            assertEquals(Math.min(snr + 1, gamma) * x0LossV, wV * vLoss, 1e-9 * vLoss, "v t=" + t);
        }
        // At zero terminal SNR the v weight is 1 (not 0): the step sampling starts from keeps its loss.
        assertEquals(1.0, MinSnrWeight.weight(0, Objective.V, 5), 0);
        assertThrows(IllegalArgumentException.class, () -> MinSnrWeight.weight(1, Objective.FLOW, 5));
    }

    private static double mse(Tensor p, Tensor q) {
        double s = 0;
        for (int i = 0; i < p.shape(0); i++) s += (p.get(i) - q.get(i)) * (p.get(i) - q.get(i));
        return s / p.shape(0);
    }

    @Test
    void zeroTerminalSnrIsPartOfTheRunAndNeedsTheVObjective() throws Exception {
        RunSpec v = new RunSpec(ModelSpec.defaults(), DataSpec.synthetic(2, 8, 8).withClasses(2).withSeed(0).withSpeeds(0.4, 0.8).withStaticProbability(0.0).withBackgrounds(java.util.List.of()).withColorByClass(true), Objective.V,
            ScheduleSpec.ZERO_TERMINAL_SNR, TrainConfig.defaults().withMinSnrGamma(5), Map.of());
        assertEquals(0.0, v.schedule().alphaBar(999));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ztsnr");
        v.write(dir);
        RunSpec back = RunSpec.read(dir);
        assertTrue(back.noise().zeroTerminalSnr());
        assertEquals(5.0, back.train().minSnrGamma());
        assertEquals(v.toJson().toString(), back.toJson().toString());
        // A run written before the options had neither key: the VC2 schedule, unweighted.
        RunSpec plain = v.withNoise(ScheduleSpec.VC2).withTrain(TrainConfig.defaults());
        assertTrue(!plain.toJson().toString().contains("zero_terminal") && !plain.toJson().toString().contains("min_snr"), plain.toJson().toString());
        assertEquals(NoiseSchedule.videoCrafter2().alphaBar(999), plain.schedule().alphaBar(999));
        var e = assertThrows(IllegalArgumentException.class, () -> new RunSpec(v.model(), v.data(), Objective.EPSILON, ScheduleSpec.ZERO_TERMINAL_SNR, v.train(), Map.of()));
        assertTrue(e.getMessage().contains("zero terminal SNR needs the v objective"), e.getMessage());
    }

    /** The learning-rate schedule is part of run.json (absent: warm-up then constant), and the trainer runs with it. */
    @Test
    void lrScheduleIsPartOfTheRunAndDrivesTheTrainer() throws Exception {
        TrainConfig cos = TrainConfig.defaults().withSteps(10).withWarmupSteps(2).withLr(1e-3).withLrSchedule("cosine");
        TrainConfig back = TrainConfig.fromJson(dev.vdiff.tensor.io.Json.parseObject(dev.vdiff.tensor.io.Json.write(cos.toJson())));
        assertEquals(cos, back);
        assertTrue(!TrainConfig.defaults().toJson().containsKey("lr_schedule"));
        assertEquals(TrainConfig.DEFAULT_LR_SCHEDULE, TrainConfig.fromJson(dev.vdiff.tensor.io.Json.parseObject(dev.vdiff.tensor.io.Json.write(TrainConfig.defaults().toJson()))).lrSchedule());
        var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().withLrSchedule("step"));
        assertTrue(e.getMessage().contains("learning-rate schedule must be one of"), e.getMessage());
        // Half a cosine after 2 warm-up steps over 8 steps: independent formula 0.5 (1 + cos(pi (k - 2) / 8)).
        for (long k = 2; k <= 10; k++) assertEquals(0.5 * (1 + Math.cos(Math.PI * (k - 2) / 8.0)), cos.schedule().factor(k), 1e-12, "step " + k);
        TrainConfig lin = cos.withLrSchedule("linear");
        assertEquals(1e-3 * 4 / 8.0, lin.schedule().lr(lin.lr(), 6), 1e-15);
        // The trainer's step k runs at lr * factor(k): its reported learning rates.
        Denoiser tiny = Models.build(new RunSpec(ModelSpec.defaults().withFrames(2).withCh0(8).withCh1(16).withHeads(2).withGroups(4).withTDim(16).withEmbDim(16).withClasses(2),
            DataSpec.synthetic(2, 8, 8).withClasses(2), Objective.V, cos), DType.FLOAT32, Rng.seed(1));
        Trainer tr = new Trainer(tiny, DataSpec.synthetic(2, 8, 8).withClasses(2).open(), cos.withBatchSize(2), Objective.V, NoiseSchedule.videoCrafter2(),
            TimestepSampler.uniform(1000));
        for (long k = 0; k < 4; k++) assertEquals(1e-3 * cos.schedule().factor(k), tr.step().lr(), 1e-15, "step " + k);
    }

    /** The noisy-tail law: each draw is in range, and the share of draws in the tail is p + (1 - p) k / T (seeded, 20,000 draws). */
    @Test
    void noisyTailDrawsTheStatedShareFromTheNoisiestSteps() throws Exception {
        int T = 1000, k = 100;
        for (double p : new double[] {0, 0.25, 1}) {
            TimestepSampler s = TimestepSampler.uniformWithNoisyTail(T, p, k);
            int n = 0, inTail = 0;
            for (int i = 0; i < 100; i++) {
                long[] t = s.sample(new dev.vdiff.reference.data.Batch(null, null, new long[200], java.util.List.of(), 0), Rng.seed(3).split(i)).longs();
                for (long v : t) {
                    assertTrue(v >= 0 && v < T, "t = " + v);
                    n++;
                    if (v >= T - k) inTail++;
                }
            }
            double expected = p + (1 - p) * k / (double) T, sd = Math.sqrt(expected * (1 - expected) / n);
            assertEquals(expected, inTail / (double) n, 4 * sd + 1e-12, "p = " + p);
        }
        // As a run's default law it is part of run.json, so that a resumed run draws as the run it continues did.
        RunSpec plain = new RunSpec(ModelSpec.defaults(), DataSpec.synthetic(2, 8, 8).withClasses(2), Objective.V, ScheduleSpec.ZERO_TERMINAL_SNR, TrainConfig.defaults(), Map.of());
        RunSpec tail = TimestepSampler.withNoisyTail(plain, 0.25, 100);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tail");
        tail.write(dir);
        RunSpec back = RunSpec.read(dir);
        var batch = new dev.vdiff.reference.data.Batch(null, null, new long[64], java.util.List.of(), 0);
        assertEquals(java.util.Arrays.toString(TimestepSampler.uniformWithNoisyTail(T, 0.25, 100).sample(batch, Rng.seed(5)).longs()),
            java.util.Arrays.toString(TimestepSampler.ofRun(back).sample(batch, Rng.seed(5)).longs()));
        assertEquals(java.util.Arrays.toString(TimestepSampler.uniform(T).sample(batch, Rng.seed(5)).longs()),
            java.util.Arrays.toString(TimestepSampler.ofRun(plain).sample(batch, Rng.seed(5)).longs()));
        assertThrows(IllegalArgumentException.class, () -> TimestepSampler.uniformWithNoisyTail(T, 1.5, k));
        assertThrows(IllegalArgumentException.class, () -> TimestepSampler.uniformWithNoisyTail(T, 0.5, 0));
    }
}
