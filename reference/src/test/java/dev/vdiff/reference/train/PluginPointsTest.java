package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's plug-in points as a paper's method uses them: extra state saved with every checkpoint and restored
 * on resume ({@link CheckpointState}); a {@link TrainingSetup} that refuses two methods claiming the same point;
 * a {@link VideoSampler} that replaces the sampling loop.
 */
class PluginPointsTest {
    /** A method's running statistic: the sum of the losses so far, as a float64 tensor. */
    static class LossSum implements CheckpointState {
        double sum;

        @Override
        public String name() {
            return "loss_sum";
        }

        @Override
        public Map<String, Tensor> stateDict() {
            return Map.of("sum", Tensor.of(new double[] {sum}, 1));
        }

        @Override
        public void loadStateDict(Map<String, Tensor> state) {
            sum = state.get("sum").doubles()[0];
        }
    }

    @Test
    void extraStateIsCheckpointedAndRestoredOnResume(@TempDir Path dir) throws IOException {
        LossSum straightSum = new LossSum();
        Trainer straight = TrainerResumeTest.trainer(1, TrainerResumeTest.CFG).withExtraState(straightSum);
        straight.run(6, new Checkpoints(dir.resolve("a"), 5), r -> straightSum.sum += r.loss());

        LossSum firstSum = new LossSum();
        Trainer first = TrainerResumeTest.trainer(1, TrainerResumeTest.CFG).withExtraState(firstSum);
        Checkpoints ck = new Checkpoints(dir.resolve("b"), 5);
        first.run(4, ck, r -> firstSum.sum += r.loss());
        Path latest = ck.latest().orElseThrow();
        assertTrue(Files.isRegularFile(latest.resolve("loss_sum.safetensors")), "extra state file in " + latest);

        LossSum resumedSum = new LossSum();   // starts at 0: the checkpoint must bring the sum of steps 1-4 back
        Trainer resumed = TrainerResumeTest.trainer(99, TrainerResumeTest.CFG).withExtraState(resumedSum);
        Checkpoints.load(latest, resumed);
        double afterFour = straight.losses().subList(0, 4).stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(afterFour, resumedSum.sum, 0.0);
        resumed.run(6, ck, r -> resumedSum.sum += r.loss());
        assertEquals(straightSum.sum, resumedSum.sum, 0.0);
    }

    @Test
    void badExtraStateNamesAreRefused(@TempDir Path dir) {
        CheckpointState clash = new LossSum() {
            @Override
            public String name() {
                return "model";
            }
        };
        Trainer tr = TrainerResumeTest.trainer(1, TrainerResumeTest.CFG.withSteps(1)).withExtraState(clash);
        assertThrows(IllegalStateException.class, () -> tr.run(1, new Checkpoints(dir, 1), null));
        assertThrows(IllegalArgumentException.class, () -> TrainerResumeTest.trainer(1, TrainerResumeTest.CFG).withExtraState(new LossSum()).withExtraState(new LossSum()));
    }

    @Test
    void aSetupRefusesTwoMethodsOnOnePointAndLossWithTimesteps() {
        RunSpec run = new RunSpec(ModelSpec.defaults().withFrames(4).withPatch(1).withCh0(8).withCh1(16).withHeads(2).withGroups(4),
            DataSpec.synthetic(4, 8, 8).withSpeeds(0.5, 1).withStaticProbability(0), Objective.EPSILON, TrainerResumeTest.CFG);
        VideoDataset data = TrainerResumeTest.DATA;
        TrainingSetup s = new TrainingSetup(run, data, null, false, System.err);
        s.timesteps(TimestepSampler.uniform(1000), "method A");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> s.timesteps(TimestepSampler.uniform(10), "method B"));
        assertTrue(twice.getMessage().contains("method A") && twice.getMessage().contains("method B"), twice.getMessage());

        TrainingSetup s2 = new TrainingSetup(run, data, null, false, System.err);
        s2.timesteps(TimestepSampler.uniform(1000), "method A");
        s2.loss((model, batch, x0, y, step) -> dev.vdiff.tensor.ops.Reductions.meanAll(x0), "method C");
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
            () -> s2.build(new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(1))));
        assertTrue(both.getMessage().contains("method C") && both.getMessage().contains("method A"), both.getMessage());
    }

    @Test
    void aVideoSamplerReplacesTheSamplingLoop() {
        TinyDenoiser model = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(1));
        int[] calls = {0};
        VideoSampler half = new VideoSampler() {
            @Override
            public int noiseFrames(int frames) {
                return frames / 2;
            }

            @Override
            public void check(SamplerSettings settings) {
                if (settings.kind() != SamplerSettings.Kind.DDIM) throw new IllegalArgumentException("ddim only");
            }

            @Override
            public Tensor sample(Network net, Tensor noise, Tensor y, SamplerSettings settings, Rng rng) {
                calls[0]++;
                assertEquals(2, noise.shape(1), "noise has noiseFrames(F) frames");
                return dev.vdiff.tensor.ops.Concat.cat(1, noise, noise);   // [B, 2, C, H, W] -> [B, 4, C, H, W]
            }

            @Override
            public String describe() {
                return "test";
            }
        };
        VideoGenerator gen = new VideoGenerator(model, Objective.EPSILON, NoiseSchedule.videoCrafter2(), SamplerSettings.ddim(2, 1.0), 2, half);
        List<Tensor> videos = gen.generate(new long[] {0, 1, 2}, 4, 3, 8, 8, Rng.seed(0), null);
        assertEquals(3, videos.size());
        assertEquals(2, calls[0], "two chunks of at most 2");
        assertEquals(List.of(4, 3, 8, 8), List.of(videos.get(0).shape(0), videos.get(0).shape(1), videos.get(0).shape(2), videos.get(0).shape(3)));
        assertThrows(IllegalArgumentException.class,
            () -> new VideoGenerator(model, Objective.EPSILON, NoiseSchedule.videoCrafter2(), SamplerSettings.lcm(2, 1.0), 2, half));
    }
}
