package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §4.6 items 4 and 6, the adaptive lambda_gp rule of SPEC §4.4. */
class AdversarialLossTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void clippedWganDiscriminatorLossIsBoundedBelowByMinusTwo(long seed) {
        Rng rng = Rng.seed(seed);
        for (double scale : new double[] {0.1, 1, 10, 1000}) {
            Tensor real = rng.normal(0, scale, DType.FLOAT64, 7, 3), fake = rng.normal(0, scale, DType.FLOAT64, 7, 3);
            assertTrue(AdversarialLoss.WGAN.discriminator(real, fake).item() >= -2, "scale " + scale);
            assertTrue(AdversarialLoss.HINGE.discriminator(real, fake).item() >= 0, "scale " + scale);
        }
        // the bound is reached when the critic separates perfectly
        assertEquals(-2, AdversarialLoss.WGAN.discriminator(Tensor.full(DType.FLOAT64, 50, 4), Tensor.full(DType.FLOAT64, -50, 4)).item(), 0.0);
    }

    @Test
    void gradientPenaltyIsZeroWhenTheGradientHasNormOne() {
        // D(x) = x[:, 0] (a unit-norm linear critic): its gradient is e_0 for every sample
        Tensor x = Rng.seed(3).normal(DType.FLOAT64, 5, 4).requiresGrad(true);
        Tensor gp = AdversarialLoss.gradientPenalty(t -> t.narrow(1, 0, 1), x);
        assertEquals(0.0, gp.item(), 0.0);
        // and (||g|| - 1)^2 = 4 for a critic of gradient norm 3
        Tensor gp3 = AdversarialLoss.gradientPenalty(t -> Arithmetic.mul(Reductions.sum(t, new int[] {1}, false), 1.5), x);
        assertEquals(4.0, gp3.item(), 1e-12);   // ||(1.5, 1.5, 1.5, 1.5)|| = 3
    }

    @Test
    void lambdaGpGrowsFiveFoldOnlyAtCheckSteps() {
        GradientPenaltyWeight w = new GradientPenaltyWeight(GradientPenaltyWeight.Config.MCM);
        assertEquals(1e-5, w.observe(0, 50), 0.0);       // checked at step 0, below the threshold
        assertEquals(1e-5, w.observe(10, 500), 0.0);     // too soon after the last check
        assertEquals(5e-5, w.observe(500, 100), 1e-20);  // checked, GP >= 100: x5
        assertEquals(5e-5, w.observe(900, 1e6), 1e-20);
        assertEquals(25e-5, w.observe(1000, 1e6), 1e-20);
        GradientPenaltyWeight fixed = new GradientPenaltyWeight(new GradientPenaltyWeight.Config(10, false, 100, 5, 500));
        assertEquals(10, fixed.observe(0, 1e9), 0.0);
        GradientPenaltyWeight resumed = new GradientPenaltyWeight(GradientPenaltyWeight.Config.MCM);
        resumed.restore(w.lambda(), w.lastCheck());
        assertEquals(w.observe(1200, 1e6), resumed.observe(1200, 1e6), 0.0);
    }

    @Test
    void tsnSamplerTakesOneFrameFromEachHalf() {
        Rng rng = Rng.seed(6);
        int[] seen = new int[16];
        for (int trial = 0; trial < 2000; trial++) {
            int[] idx = TsnFrameSampler.sample(16, 2, rng);
            assertTrue(idx[0] >= 0 && idx[0] < 8 && idx[1] >= 8 && idx[1] < 16, java.util.Arrays.toString(idx));
            seen[idx[0]]++;
            seen[idx[1]]++;
        }
        for (int f = 0; f < 16; f++) assertTrue(seen[f] > 150 && seen[f] < 350, "frame " + f + " drawn " + seen[f] + " times of ~250");
    }
}
