package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.tqd.train.ClipScores;
import dev.vdiff.reference.tqd.train.TimestepSettings;
import dev.vdiff.reference.tqd.train.TqdTraining;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TQD in the trainer (SPEC §2.3, §2.4): rejection at the data loader, the loss-weight variant, bit-exact resume. */
class TrainerTqdTest {
    /** Clips 0-4: (m, v) = (0.9, 0.1), keep 0.9; clips 5-9: (0.3, 0.3), keep 0.3. */
    static final ClipScores SCORES = new ClipScores(new double[] {0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.3, 0.3, 0.3, 0.3},
        new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3});
    static final TrainConfig CFG = TrainerResumeTest.CFG.withTrainClips(10);

    static TimestepSettings settings(DropoutMode dropout) {
        return new TimestepSettings(TimestepSettings.Sampler.TQD, TqdConfig.DEFAULT, dropout, ScoreNormalization.PERCENTILE, TimestepSettings.SCORES_FILE);
    }

    static Trainer tqdTrainer(long modelSeed, TrainConfig cfg, DropoutMode dropout, TimestepSampler sampler) {
        TinyDenoiser model = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(modelSeed));
        Trainer tr = new Trainer(model, TrainerResumeTest.DATA, cfg, Objective.EPSILON, NoiseSchedule.videoCrafter2(), sampler);
        return TqdTraining.configure(tr, settings(dropout), SCORES);
    }

    static TimestepSampler tqdSampler() {
        return TqdTraining.sampler(settings(DropoutMode.REJECTION), SCORES, Objective.EPSILON, 1000);
    }

    /**
     * Every batch is full, and the kept clips split between the two groups as their keep probabilities say:
     * expected share of the high group {@code 5 * 0.9 / (5 * 0.9 + 5 * 0.3) = 0.75}; binomial test at 4.5 sd.
     * The data position counts candidates, kept or rejected.
     */
    @Test
    void rejectionKeepsBatchesFullAndFavoursQualityClipsInProportion() throws IOException {
        List<long[]> seen = new ArrayList<>();
        TimestepSampler uniform = TimestepSampler.uniform(1000);
        Trainer tr = tqdTrainer(1, CFG.withSteps(200), DropoutMode.REJECTION, (batch, rng) -> {
            seen.add(batch.indices().clone());
            return uniform.sample(batch, rng);
        });
        tr.run(200, null, null);
        int total = 0, high = 0;
        for (long[] b : seen) {
            assertEquals(3, b.length, "batch size");
            for (long i : b) {
                total++;
                if (i < 5) high++;
            }
        }
        assertEquals(600, total);
        double p = 0.75, sd = Math.sqrt(total * p * (1 - p));
        assertTrue(Math.abs(high - total * p) < 4.5 * sd, "high-quality clips " + high + " of " + total + ", expected " + total * p + " +- " + sd);
        // Expected candidates per kept clip: 1 / mean keep = 1 / 0.6; so about 1000 positions for 600 clips.
        assertTrue(tr.dataPosition() > 800 && tr.dataPosition() < 1250, "data position " + tr.dataPosition());
    }

    /** The loss-weight variant: (1/B) sum_i w_i mse_i with w_i = max(m_i, v_i) / mean_batch max(m, v), computed by hand. */
    @Test
    void weightedMseEqualsTheHandComputedWeightedMean() {
        Rng r = Rng.seed(4);
        Tensor a = r.normal(DType.FLOAT32, 3, 2, 3, 2, 2), b = r.normal(DType.FLOAT32, 3, 2, 3, 2, 2);
        double[] w = dev.vdiff.reference.tqd.QualityDropout.lossWeights(new double[] {0.9, 0.3, 0.2}, new double[] {0.1, 0.3, 0.6});
        // max = 0.9, 0.3, 0.6; mean 0.6: weights 1.5, 0.5, 1.0.
        assertEquals(1.5, w[0], 1e-12);
        assertEquals(0.5, w[1], 1e-12);
        assertEquals(1.0, w[2], 1e-12);
        float[] x = a.contiguous().floats(), y = b.contiguous().floats();
        int per = x.length / 3;
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double se = 0;
            for (int j = 0; j < per; j++) se += (double) (x[i * per + j] - y[i * per + j]) * (x[i * per + j] - y[i * per + j]);
            expected += w[i] * se / per / 3;
        }
        assertEquals(expected, WeightedMse.of(a, b, w).item(), 1e-6 * expected);
    }

    /** Weights all 1 train like the plain mean (same losses to float rounding); TQD's loss weights change the run. */
    @Test
    void unitWeightsMatchThePlainLossAndQualityWeightsDoNot() throws IOException {
        Trainer plain = TrainerResumeTest.trainer(1, CFG);
        Trainer ones = TrainerResumeTest.trainer(1, CFG).withSampleWeights(batch -> new double[] {1, 1, 1});
        Trainer weighted = tqdTrainer(1, CFG, DropoutMode.LOSS_WEIGHT, TimestepSampler.uniform(1000));
        plain.run(3, null, null);
        ones.run(3, null, null);
        weighted.run(3, null, null);
        for (int k = 0; k < 3; k++) assertEquals(plain.losses().get(k), ones.losses().get(k), 1e-5 * plain.losses().get(k), "step " + (k + 1));
        assertNotEquals(plain.losses().get(0), weighted.losses().get(0));
        assertEquals(plain.dataPosition(), weighted.dataPosition(), "loss weights drop nothing");
    }

    /** TQD timesteps with rejection: a crash and resume at step 4 continues bit for bit (parameters, EMA, moments, position). */
    @Test
    void tqdWithRejectionResumesBitForBit(@TempDir Path dir) throws IOException {
        Trainer straight = tqdTrainer(1, CFG, DropoutMode.REJECTION, tqdSampler());
        straight.run(6, null, null);

        Trainer first = tqdTrainer(1, CFG, DropoutMode.REJECTION, tqdSampler());
        Checkpoints ck = new Checkpoints(dir, 5);
        first.run(4, ck, null);
        long position = first.dataPosition();
        assertTrue(position >= 12, "position " + position);
        first = null;

        Trainer resumed = tqdTrainer(99, CFG, DropoutMode.REJECTION, tqdSampler());
        Checkpoints.load(ck.latest().orElseThrow(), resumed);
        assertEquals(position, resumed.dataPosition());
        resumed.run(6, ck, null);
        assertEquals(straight.losses(), resumed.losses(), "loss sequence");
        assertEquals(straight.dataPosition(), resumed.dataPosition());
        TrainerResumeTest.assertSameBits(straight.model().module().stateDict(), resumed.model().module().stateDict(), "parameters");
        TrainerResumeTest.assertSameBits(straight.ema().stateDict(), resumed.ema().stateDict(), "EMA");
        TrainerResumeTest.assertSameBits(straight.optimizer().stateDict(), resumed.optimizer().stateDict(), "optimizer state");
    }
}
