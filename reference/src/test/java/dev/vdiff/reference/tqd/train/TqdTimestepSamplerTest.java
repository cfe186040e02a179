package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.TimestepMapping;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.data.Batch;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's TQD sampler draws each sample's timestep from that sample's own law (SPEC §2.2), mapped with
 * {@code n = min(floor(T t), T - 1)} (SPEC §2.4): over many steps, the timesteps of batch slot {@code i} are
 * compared with the discretised Commons Statistics Beta law of the clip in that slot, {@code P(n <= k) =
 * F((k + 1) / T)} (the clamp into [1e-5, 1 - 1e-5] moves less than 1e-4 of mass at these shapes).
 */
class TqdTimestepSamplerTest {
    static final int T = 1000;

    @Test
    void eachSampleFollowsItsOwnLawAfterMapping() {
        double[] m = {0.9, 0.1, 0.8, 0.55, 0.3};
        double[] v = {0.1, 0.9, 0.8, 0.05, 0.6};
        TqdConfig cfg = TqdConfig.DEFAULT;
        ClipScores scores = new ClipScores(m, v);
        TqdTimestepSampler sampler = new TqdTimestepSampler(scores, cfg, TimestepMapping.ddpm(T));
        long[] indices = {3, 0, 4, 1, 2, 0};   // clip 0 twice: both slots follow its law
        Batch batch = new Batch(Tensor.zeros(dev.vdiff.tensor.DType.FLOAT32, indices.length, 1, 3, 4, 4), Tensor.ofLongs(new long[indices.length], indices.length),
            indices, List.of(), 0);
        int steps = 20_000;
        int[][] counts = new int[indices.length][T];
        Rng root = Rng.seed(2024);
        for (int s = 0; s < steps; s++) {
            long[] t = sampler.sample(batch, root.split(s)).longs();
            assertEquals(indices.length, t.length);
            for (int i = 0; i < t.length; i++) counts[i][(int) t[i]]++;
        }
        double critical = 1.949 / Math.sqrt(steps);   // KS level 0.001 (conservative for a discrete law)
        for (int i = 0; i < indices.length; i++) {
            int k = (int) indices[i];
            double mu = 0.5 + 0.5 * (m[k] - v[k]);
            double kappa = cfg.kappaBase() + (cfg.kappaMax() - cfg.kappaBase()) * Math.abs(m[k] - v[k]);
            BetaDistribution law = BetaDistribution.of(mu * kappa, (1 - mu) * kappa);
            double d = 0;
            long below = 0;
            for (int n = 0; n < T; n++) {
                below += counts[i][n];
                double expected = n == T - 1 ? 1 : law.cumulativeProbability((n + 1.0) / T);
                d = Math.max(d, Math.abs((double) below / steps - expected));
            }
            assertTrue(d < critical, "slot " + i + " (clip " + k + "): KS distance " + d + " >= " + critical);
        }
    }

    @Test
    void aClipWithoutScoresIsAnError() {
        TqdTimestepSampler sampler = new TqdTimestepSampler(new ClipScores(new double[] {0.5}, new double[] {0.5}), TqdConfig.DEFAULT, TimestepMapping.ddpm(T));
        Batch batch = new Batch(Tensor.zeros(dev.vdiff.tensor.DType.FLOAT32, 1, 1, 3, 4, 4), Tensor.ofLongs(new long[1], 1), new long[] {1}, List.of(), 0);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> sampler.sample(batch, Rng.seed(1)));
        assertTrue(e.getMessage().contains("clip 1 has no scores"), e.getMessage());
    }
}
