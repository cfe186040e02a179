package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MCM run at toy size on the generic trainer ({@link McmTraining}): deterministic per step, resumable bit for bit
 * through the trainer's checkpoints, with every piece of training state in them (adapters, learned head and its EMA,
 * discriminator heads with their spectral-norm buffers, both optimizers, the adaptive lambda_gp, the loss terms).
 */
class McmDistillationTest {
    /** F = 4 frames, 3 channels, 8x8 pixels, 3 classes; channels 8/16, attention at level 1. */
    static final VideoUNetConfig TINY = new VideoUNetConfig(4, 3,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);

    static FrozenTeacher teacher() {
        return new FrozenTeacher(new VideoUNet(TINY, DType.FLOAT32, Rng.seed(3)));
    }

    /** The clips (synthetic, 3 classes) and the clean images of the discriminator (another seed). */
    static Trainer trainer(McmDistillation d, long steps) {
        VideoDataset clips = DataSpec.synthetic(4, 8, 8).withClasses(3).withSeed(11).open();
        ImagePool images = new ImagePool(DataSpec.synthetic(4, 8, 8).withClasses(3).withSeed(12).open(), 0, 9, 3);
        return McmTraining.trainer(d, Objective.EPSILON, clips, 64, new McmTraining.Images(images, 7, 1_000_000_000L), new McmTraining.Loop(steps, 2, 0, 1));
    }

    /** The released setting plus an adaptive lambda_gp that fires (threshold 0, every 2 steps), so its state matters. */
    static McmConfig config() {
        return McmConfig.mcm(7, 3).withLearningRates(1e-3, 1e-3).withGradientPenalty(new GradientPenaltyWeight.Config(1e-2, true, 0, 5, 2));
    }

    record Run(McmDistillation d, Trainer trainer) {
        Map<String, Tensor> state() {
            return d.checkpointState().stateDict();
        }
    }

    static Run straight(McmConfig cfg, int steps, List<McmDistillation.StepResult> log) throws Exception {
        McmDistillation d = new McmDistillation(teacher(), NoiseSchedule.videoCrafter2(), cfg);
        Trainer tr = trainer(d, steps);
        tr.run(steps, null, r -> log.add(McmDistillation.StepResult.of(r)));
        return new Run(d, tr);
    }

    static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual, String file) {
        assertEquals(expected.keySet(), actual.keySet(), file);
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey()).contiguous(), b = e.getValue().contiguous();
            assertArrayEquals(b.shape(), a.shape(), e.getKey());
            assertTrue(Arrays.equals(b.toDoubleArray(), a.toDoubleArray()), file + ": '" + e.getKey() + "' differs after resume");
        }
    }

    void checkResume(McmConfig cfg, Path dir) throws Exception {
        int n = 3;
        List<McmDistillation.StepResult> full = new ArrayList<>(), first = new ArrayList<>(), resumed = new ArrayList<>();
        Run twoN = straight(cfg, 2 * n, full);
        Run atN = straight(cfg, n, first);
        Path saved = new Checkpoints(dir.resolve("a"), 1).save(atN.trainer());
        McmDistillation d = new McmDistillation(teacher(), NoiseSchedule.videoCrafter2(), cfg);
        Trainer tr = trainer(d, 2 * n);
        Checkpoints.load(saved, tr);
        assertEquals(n, tr.stepsDone());
        tr.run(2 * n, null, r -> resumed.add(McmDistillation.StepResult.of(r)));
        Path a = new Checkpoints(dir.resolve("straight"), 1).save(twoN.trainer()), b = new Checkpoints(dir.resolve("resumed"), 1).save(tr);
        for (String f : List.of("model", "ema", "optimizer", McmDistillation.STATE)) {
            assertSameState(Safetensors.read(a.resolve(f + ".safetensors")), Safetensors.read(b.resolve(f + ".safetensors")), f);
        }
        assertEquals(full.subList(0, n), first);
        assertEquals(full.subList(n, 2 * n), resumed, "per-step losses of the resumed run");
        assertEquals(twoN.trainer().terms(), tr.terms(), "the loss terms' history, through the checkpoint");
        assertEquals(twoN.trainer().losses(), tr.losses());
    }

    @Test
    void resumesBitForBitWithLoraHeadAndDiscriminator(@TempDir Path dir) throws Exception {
        checkResume(config(), dir);
    }

    @Test
    void resumesBitForBitWithEmaTargetAndWholeStudent(@TempDir Path dir) throws Exception {
        checkResume(config().withLora(null).withTarget(McmConfig.Target.EMA).withAdversarialLoss(AdversarialLoss.HINGE), dir);
    }

    @Test
    void stateHoldsEveryPieceAndTheyTrain() throws Exception {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(config().withPGen(1), 4, log).state();
        assertTrue(s.containsKey("trainable.head.out_conv.weight"), "the learned head is in the checkpoint");
        assertTrue(s.containsKey("head_ema.out_conv.weight"), "its EMA too");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("disc.") && k.endsWith("weight_u")), "spectral-norm power-iteration buffers are saved");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("trainable.lora.") && k.endsWith("lora_B.weight")), "LoRA adapters are saved");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("disc_optimizer.")), "the discriminator's optimizer is saved");
        for (float v : s.get("trainable.head.out_conv.weight").floats()) if (v != 0) return;   // zero-initialised, must have moved
        throw new AssertionError("the learned head's output conv is still zero after 4 steps");
    }

    @Test
    void pGenOneGeneratesEveryStepAndAdaptiveLambdaGrows() throws Exception {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(config().withPGen(1), 4, log).state();
        for (McmDistillation.StepResult r : log) {
            assertTrue(r.generated(), "p_gen = 1: every step on generated trajectories");
            assertTrue(Double.isFinite(r.lossG()) && Double.isFinite(r.lossD()) && r.gradientPenalty() >= 0, r.toString());
            assertTrue(r.lossD() - r.lambdaGp() * r.gradientPenalty() >= -2 - 1e-6, "clipped WGAN L_D >= -2 before GP (SPEC §4.6 item 4): " + r);
        }
        // threshold 0, check every 2 steps: lambda x5 at steps 0 and 2 -> 1e-2 * 25
        assertEquals(1e-2 * 25, s.get("lambda_gp").toDoubleArray()[0], 1e-15);
    }

    @Test
    void withoutDiscriminatorAndRawItIsPlainLcm() throws Exception {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(McmConfig.lcm(7, 3).withPGen(0), 2, log).state();
        assertFalse(s.keySet().stream().anyMatch(k -> k.startsWith("disc") || k.startsWith("head")), "no discriminator or head: " + s.keySet());
        for (McmDistillation.StepResult r : log) {
            assertFalse(r.generated());
            assertEquals(r.lossMcd(), r.lossG(), 0.0, "L_G = L_MCD bit for bit without the adversarial term");
            assertEquals(0.0, r.lossD());
        }
    }
}
