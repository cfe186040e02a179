package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
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
 * The MCM run at toy size: deterministic per step, resumable bit for bit from its state dict (through a
 * safetensors file), with every piece of training state in it (adapters, learned head and its EMA, discriminator
 * heads with their spectral-norm buffers, both optimizers, the adaptive lambda_gp).
 */
class McmDistillationTest {
    /** F = 4 frames, 3 channels, 8x8 pixels, 3 classes; channels 8/16, attention at level 1. */
    static final VideoUNetConfig TINY = new VideoUNetConfig(4, 3,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);

    static FrozenTeacher teacher() {
        return new FrozenTeacher(new VideoUNet(TINY, DType.FLOAT32, Rng.seed(3)));
    }

    static McmDistillation.Batch batch(long s) {
        Rng r = Rng.seed(1000 + s);
        return new McmDistillation.Batch(r.uniform(-1, 1, DType.FLOAT32, 2, 4, 3, 8, 8), Tensor.ofLongs(new long[] {s % 3, (s + 1) % 3}, 2),
            r.uniform(-1, 1, DType.FLOAT32, 4, 3, 8, 8));
    }

    /** The released setting plus an adaptive lambda_gp that fires (threshold 0, every 2 steps), so its state matters. */
    static McmConfig config() {
        return McmConfig.mcm(7, 3).withLearningRates(1e-3, 1e-3).withGradientPenalty(new GradientPenaltyWeight.Config(1e-2, true, 0, 5, 2));
    }

    static Map<String, Tensor> straight(McmConfig cfg, int steps, List<McmDistillation.StepResult> log) {
        McmDistillation d = new McmDistillation(teacher(), NoiseSchedule.videoCrafter2(), cfg);
        d.run(steps, McmDistillationTest::batch, log::add);
        return d.stateDict();
    }

    static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey()).contiguous(), b = e.getValue().contiguous();
            assertArrayEquals(b.shape(), a.shape(), e.getKey());
            assertTrue(Arrays.equals(b.toDoubleArray(), a.toDoubleArray()), "state '" + e.getKey() + "' differs after resume");
        }
    }

    void checkResume(McmConfig cfg, Path dir) throws Exception {
        int n = 3;
        List<McmDistillation.StepResult> full = new ArrayList<>(), resumed = new ArrayList<>();
        Map<String, Tensor> twoN = straight(cfg, 2 * n, full);
        Map<String, Tensor> atN = straight(cfg, n, resumed);
        Path file = dir.resolve("state.safetensors");
        Safetensors.write(file, atN, Map.of());
        McmDistillation d = new McmDistillation(teacher(), NoiseSchedule.videoCrafter2(), cfg);
        d.loadStateDict(Safetensors.read(file));
        assertEquals(n, d.stepCount());
        d.run(2 * n, McmDistillationTest::batch, resumed::add);
        assertSameState(twoN, d.stateDict());
        assertEquals(full, resumed, "per-step losses of the resumed run");
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
    void stateHoldsEveryPieceAndTheyTrain() {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(config().withPGen(1), 4, log);
        assertTrue(s.containsKey("trainable.head.out_conv.weight"), "the learned head is in the checkpoint");
        assertTrue(s.containsKey("head_ema.out_conv.weight"), "its EMA too");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("disc.") && k.endsWith("weight_u")), "spectral-norm power-iteration buffers are saved");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("trainable.lora.") && k.endsWith("lora_B.weight")), "LoRA adapters are saved");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("disc_optimizer.")), "the discriminator's optimizer is saved");
        for (float v : s.get("trainable.head.out_conv.weight").floats()) if (v != 0) return;   // zero-initialised, must have moved
        throw new AssertionError("the learned head's output conv is still zero after 4 steps");
    }

    @Test
    void pGenOneGeneratesEveryStepAndAdaptiveLambdaGrows() {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(config().withPGen(1), 4, log);
        for (McmDistillation.StepResult r : log) {
            assertTrue(r.generated(), "p_gen = 1: every step on generated trajectories");
            assertTrue(Double.isFinite(r.lossG()) && Double.isFinite(r.lossD()) && r.gradientPenalty() >= 0, r.toString());
            assertTrue(r.lossD() - r.lambdaGp() * r.gradientPenalty() >= -2 - 1e-6, "clipped WGAN L_D >= -2 before GP (SPEC §4.6 item 4): " + r);
        }
        // threshold 0, check every 2 steps: lambda x5 at steps 0 and 2 -> 1e-2 * 25
        assertEquals(1e-2 * 25, s.get("lambda_gp").toDoubleArray()[0], 1e-15);
    }

    @Test
    void withoutDiscriminatorAndRawItIsPlainLcm() {
        List<McmDistillation.StepResult> log = new ArrayList<>();
        Map<String, Tensor> s = straight(McmConfig.lcm(7, 3).withPGen(0), 2, log);
        assertFalse(s.keySet().stream().anyMatch(k -> k.startsWith("disc") || k.startsWith("head")), "no discriminator or head: " + s.keySet());
        for (McmDistillation.StepResult r : log) {
            assertFalse(r.generated());
            assertEquals(r.lossMcd(), r.lossG(), 0.0, "L_G = L_MCD bit for bit without the adversarial term");
            assertEquals(0.0, r.lossD());
        }
    }
}
