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
}
