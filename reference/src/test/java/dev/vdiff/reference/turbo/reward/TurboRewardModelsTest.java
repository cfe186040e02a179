package dev.vdiff.reference.turbo.reward;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.turbo.reward.DifferentiableReward;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The toy reward models: differentiable rewards (gradient checks), deterministic training that learns. */
class TurboRewardModelsTest {
    private static final SyntheticVideos DATA = new SyntheticVideos(SyntheticConfig.defaults().withSeed(5).withSize(8, 16, 16).clean());

    /** R_img and R_vid against float64 central differences along random directions in the pixels. */
    @Test
    void rewardsAreDifferentiableInThePixels() {
        FrameClassifier f = new FrameClassifier(5, 4, DType.FLOAT64, Rng.seed(1));
        ClipClassifier c = new ClipClassifier(5, 4, 4, DType.FLOAT64, Rng.seed(2));
        DifferentiableReward image = ClassifierRewards.image(f), video = ClassifierRewards.video(c);
        Tensor y = Tensor.ofLongs(new long[] {0, 3}, 2);
        GradCheck.checkDirection(x -> image.reward(x[0], y), 4, 7, Rng.seed(3).uniform(DType.FLOAT64, 2, 3, 8, 8).requiresGrad(true));
        GradCheck.checkDirection(x -> video.reward(x[0], y), 4, 8, Rng.seed(4).uniform(DType.FLOAT64, 2, 4, 3, 8, 8).requiresGrad(true));
    }

    /** The rewards are log-probabilities: R_img <= 0 and R_vid <= 0, and exp(R_img) over all classes sums to 1. */
    @Test
    void rewardsAreLogProbabilities() {
        FrameClassifier f = new FrameClassifier(5, 4, DType.FLOAT64, Rng.seed(1));
        Tensor x = Rng.seed(3).uniform(DType.FLOAT64, 1, 3, 8, 8);
        double sum = 0;
        try (var s = Autograd.noGrad()) {
            for (long k = 0; k < 5; k++) {
                double r = ClassifierRewards.image(f).reward(x, Tensor.ofLongs(new long[] {k}, 1)).item();
                assertTrue(r <= 0);
                sum += Math.exp(r);
            }
            ClipClassifier c = new ClipClassifier(5, 4, 4, DType.FLOAT64, Rng.seed(2));
            assertTrue(ClassifierRewards.video(c).reward(Rng.seed(4).uniform(DType.FLOAT64, 1, 4, 3, 8, 8), Tensor.ofLongs(new long[] {2}, 1)).item() <= 0);
        }
        assertEquals(1.0, sum, 1e-12);
    }

    /** The first 8 clips of DATA over and over: a set small enough to fit in a few steps. */
    private static final Clip[] FIRST = java.util.stream.LongStream.range(0, 8).mapToObj(DATA::clip).toArray(Clip[]::new);
    private static final VideoDataset EIGHT = new VideoDataset() {
        public long size() { return Long.MAX_VALUE; }
        public Clip clip(long index) { return FIRST[(int) (index % 8)]; }
        public int frames() { return DATA.frames(); }
        public int height() { return DATA.height(); }
        public int width() { return DATA.width(); }
    };

    /** Same configuration, same losses (bits); on a small repeated set the frame classifier's loss falls. */
    @Test
    void imageTrainingIsDeterministicAndLearns() {
        RewardModelTraining.Config cfg = new RewardModelTraining.Config(25, 8, 1e-2, 9);
        List<Double> a = new ArrayList<>(), b = new ArrayList<>();
        RewardModelTraining.trainImage(new FrameClassifier(5, 8, DType.FLOAT32, Rng.seed(1)), EIGHT, cfg, s -> a.add(s.loss()));
        RewardModelTraining.trainImage(new FrameClassifier(5, 8, DType.FLOAT32, Rng.seed(1)), EIGHT, cfg, s -> b.add(s.loss()));
        assertEquals(a, b);
        double first = (a.get(0) + a.get(1) + a.get(2)) / 3, last = (a.get(22) + a.get(23) + a.get(24)) / 3;
        assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);
    }

    /** Motion labels: still clips get STILL, moving ones their direction; clips hold F' strided frames. */
    @Test
    void videoBatchesCarryClassAndMotion() {
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSeed(6).withSize(8, 8, 8).withMotion(0.5, 1.5, 0.5, 0));
        RewardModelTraining.Batch b = RewardModelTraining.videoBatch(data, 0, 12, 4, Rng.seed(1), DType.FLOAT32);
        assertEquals(List.of(12, 4, 3, 8, 8), java.util.Arrays.stream(b.input().shape()).boxed().toList());
        long[] motion = b.motion().longs();
        boolean still = false, moving = false;
        for (int i = 0; i < 12; i++) {
            var spec = data.spec(i);
            assertEquals(spec.isStatic() ? ClipClassifier.STILL : spec.direction().ordinal(), motion[i]);
            still |= spec.isStatic();
            moving |= !spec.isStatic();
        }
        assertTrue(still && moving);
        double[] v = b.input().toDoubleArray();
        for (double p : v) assertTrue(p >= 0 && p <= 1, "pixel " + p);
    }
}
