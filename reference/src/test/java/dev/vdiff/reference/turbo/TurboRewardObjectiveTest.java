package dev.vdiff.reference.turbo;

import dev.vdiff.reference.turbo.reward.DifferentiableReward;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Eq. 10's frame selection, weights and reductions, and the gradient of J. */
class TurboRewardObjectiveTest {
    /** Clips [B, F, 1, 1, 1] whose frame f of clip b holds the number 10 b + f, so a reward can read which frame it got. */
    private static Tensor numbered(int b, int f) {
        double[] v = new double[b * f];
        for (int i = 0; i < b; i++) for (int k = 0; k < f; k++) v[i * f + k] = 10 * i + k;
        return Tensor.of(v, b, f, 1, 1, 1);
    }

    /** M image frames per clip, distinct, of that clip; video frames r, r + s, ..., s = F / n, r < s. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void framesAreDrawnAsSpecified(long seed) {
        List<double[]> imageRows = new ArrayList<>(), videoRows = new ArrayList<>();
        DifferentiableReward image = (x, c) -> {
            imageRows.add(x.contiguous().toDoubleArray());
            return Reductions.mean(x.reshape(x.shape(0), 1), new int[] {1}, false);
        };
        DifferentiableReward video = (x, c) -> {
            videoRows.add(x.contiguous().toDoubleArray());
            return Reductions.mean(x.reshape(x.shape(0), x.shape(1)), new int[] {1}, false);
        };
        RewardObjective j = new RewardObjective(new RewardObjective.Config(0.2, 3, RewardObjective.ImageReduction.MEAN, 0.5, 4), image, video);
        j.objective(numbered(2, 16), Tensor.ofLongs(new long[] {0, 1}, 2), Rng.seed(seed));
        double[] frames = imageRows.get(0);   // [B*M] = 6 frames
        for (int b = 0; b < 2; b++) {
            Set<Double> seen = new HashSet<>();
            for (int m = 0; m < 3; m++) {
                double v = frames[b * 3 + m];
                assertTrue(v >= 10 * b && v < 10 * b + 16, "frame of the wrong clip: " + v);
                seen.add(v);
            }
            assertEquals(3, seen.size(), "without replacement");
        }
        double[] clips = videoRows.get(0);   // [B, 4]
        for (int b = 0; b < 2; b++) {
            double r = clips[b * 4] - 10 * b;
            assertTrue(r >= 0 && r < 4, "offset " + r);
            for (int k = 0; k < 4; k++) assertEquals(10 * b + r + 4 * k, clips[b * 4 + k], 0.0);
        }
    }

    /** J = mean_b [beta_img * mean_m (or sum_m) R_img + beta_vid * R_vid], written out for a constant reward. */
    @Test
    void weightsAndReductions() {
        DifferentiableReward one = (x, c) -> Arithmetic.add(Reductions.mean(x.reshape(x.shape(0), x.numel() / x.shape(0)), new int[] {1}, false), 1.0);
        Tensor zeros = Tensor.zeros(DType.FLOAT64, 3, 8, 3, 2, 2);
        Tensor y = Tensor.ofLongs(new long[] {0, 1, 2}, 3);
        double mean = new RewardObjective(new RewardObjective.Config(0.2, 2, RewardObjective.ImageReduction.MEAN, 0.5, 4), one, one).objective(zeros, y, Rng.seed(1)).item();
        double sum = new RewardObjective(new RewardObjective.Config(0.2, 2, RewardObjective.ImageReduction.SUM, 0.5, 4), one, one).objective(zeros, y, Rng.seed(1)).item();
        assertEquals(0.2 * 1 + 0.5 * 1, mean, 1e-15);
        assertEquals(0.2 * 2 + 0.5 * 1, sum, 1e-15);
    }

    /** Gradient check (float64 central differences) of J in the decoded clips, frames fixed by the seed. */
    @Test
    void objectiveGradient() {
        DifferentiableReward image = (x, c) -> {
            Tensor flat = x.reshape(x.shape(0), x.numel() / x.shape(0));
            return Reductions.mean(Arithmetic.mul(flat, flat), new int[] {1}, false);
        };
        DifferentiableReward video = (x, c) -> Reductions.sum(x.reshape(x.shape(0), x.numel() / x.shape(0)), new int[] {1}, false);
        RewardObjective j = new RewardObjective(RewardObjective.Config.t2vTurboV2(), image, video);
        Tensor y = Tensor.ofLongs(new long[] {0, 1}, 2);
        GradCheck.check(x -> j.objective(x[0], y, Rng.seed(9)), Rng.seed(3).normal(DType.FLOAT64, 2, 8, 2, 2, 2).requiresGrad(true));
    }
}
