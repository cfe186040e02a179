package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resume guarantee: K steps straight equal k steps, a "crash" (the process state thrown away), a resume
 * from the checkpoint at k, and K - k more steps; same parameter bits, same EMA and optimizer bits, same
 * loss sequence. The training set (7 clips, batch 3) makes the run cross epoch boundaries mid-batch.
 */
class TrainerResumeTest {
    static final SyntheticVideos DATA = new SyntheticVideos(SyntheticConfig.defaults().withSeed(3).withSize(4, 8, 8).clean());
    static final TrainConfig CFG = TrainConfig.defaults().withSteps(6).withBatchSize(3).withLr(3e-2).withWarmupSteps(2).withTrainClips(7)
        .withWeightDecay(0.01).withGradClip(0.5).withEmaDecay(0.9).withClassDropout(0.3).withSeed(11).withCheckpointEvery(2).withKeepCheckpoints(5);

    static Trainer trainer(long modelSeed, TrainConfig cfg) {
        TinyDenoiser model = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(modelSeed));
        return new Trainer(model, DATA, cfg, NoiseSchedule.videoCrafter2(), TimestepSampler.uniform(1000));
    }

    @Test
    void resumedRunEqualsStraightRunBitForBit(@TempDir Path dir) throws IOException {
        Trainer straight = trainer(1, CFG);
        straight.run(6, new Checkpoints(dir.resolve("a"), 5), null);

        Trainer first = trainer(1, CFG);
        Checkpoints ck = new Checkpoints(dir.resolve("b"), 5);
        first.run(4, ck, null);   // checkpoints at 2 and 4, then the process "dies"
        first = null;

        Trainer resumed = trainer(99, CFG);   // another init: everything must come from the checkpoint
        Path latest = ck.latest().orElseThrow();
        assertEquals("step-00000004", latest.getFileName().toString());
        Checkpoints.load(latest, resumed);
        assertEquals(4, resumed.stepsDone());
        assertEquals(12, resumed.dataPosition());
        resumed.run(6, ck, null);

        assertEquals(straight.losses(), resumed.losses(), "loss sequence");
        assertEquals(straight.gradNorms(), resumed.gradNorms(), "gradient norms");
        assertEquals(straight.dataPosition(), resumed.dataPosition());
        assertSameBits(straight.model().module().stateDict(), resumed.model().module().stateDict(), "parameters");
        assertSameBits(straight.ema().stateDict(), resumed.ema().stateDict(), "EMA");
        assertSameBits(straight.optimizer().stateDict(), resumed.optimizer().stateDict(), "optimizer state");
        // The final checkpoints of both runs hold the same model bytes.
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/step-00000006/model.safetensors")), Files.readAllBytes(dir.resolve("b/step-00000006/model.safetensors")));
    }

    @Test
    void trainingChangesParametersAndRecordsLosses() throws IOException {
        Trainer tr = trainer(1, CFG);
        Map<String, Tensor> before = copy(tr.model().module().stateDict());
        tr.run(6, null, null);
        assertEquals(6, tr.losses().size());
        for (double l : tr.losses()) assertTrue(Double.isFinite(l) && l > 0, "loss " + l);
        assertNotEquals(before.get("scale").contiguous().floats()[0], tr.model().module().stateDict().get("scale").contiguous().floats()[0]);
        // Warm-up: step 1 runs at lr 0 (diffusers' LambdaLR convention), so the first update changes nothing but decay.
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() throws IOException {
        Trainer a = trainer(1, CFG), b = trainer(1, CFG), c = trainer(1, CFG.withSeed(12));
        a.run(3, null, null);
        b.run(3, null, null);
        c.run(3, null, null);
        assertEquals(a.losses(), b.losses());
        assertNotEquals(a.losses(), c.losses());
    }

    @Test
    void checkpointsArePrunedAndPartialOnesIgnored(@TempDir Path dir) throws IOException {
        Checkpoints ck = new Checkpoints(dir, 2);
        Trainer tr = trainer(1, CFG);
        tr.run(6, ck, null);
        List<Path> kept = ck.list();
        assertEquals(List.of("step-00000004", "step-00000006"), kept.stream().map(p -> p.getFileName().toString()).toList());
        // A half-written checkpoint (as a crash during save would leave, before the rename) is not "latest".
        Path partial = AtomicWrite.temporaryFor(dir.resolve("step-00000008"));
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("state.json"), "{");
        Files.createDirectories(dir.resolve("step-00000010"));   // no state.json: not complete
        assertEquals("step-00000006", ck.latest().orElseThrow().getFileName().toString());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(partial), s.filter(AtomicWrite::isTemporary).toList(), "no temporary folders left behind but the crash's");
        }
    }

    @Test
    void resumeRefusesOtherSettingsButAllowsMoreSteps(@TempDir Path dir) throws IOException {
        Checkpoints ck = new Checkpoints(dir, 2);
        trainer(1, CFG).run(2, ck, null);
        Path latest = ck.latest().orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.load(latest, trainer(1, CFG.withLr(1e-3).withWarmupSteps(2))));
        assertTrue(e.getMessage().contains("lr 0.03 vs 0.001"), e.getMessage());
        Trainer longer = trainer(1, CFG.withSteps(10));
        Checkpoints.load(latest, longer);
        assertEquals(2, longer.stepsDone());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Checkpoints.load(dir, trainer(1, CFG)));
        assertTrue(missing.getMessage().contains("is not a checkpoint"), missing.getMessage());
    }

    static void assertSameBits(Map<String, Tensor> a, Map<String, Tensor> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what + " names");
        for (String k : a.keySet()) {
            Tensor x = a.get(k).contiguous(), y = b.get(k).contiguous();
            assertEquals(x.dtype(), y.dtype(), what + " " + k);
            assertArrayEquals(x.shape(), y.shape(), what + " " + k);
            switch (x.dtype()) {
                case FLOAT32 -> assertArrayEquals(bits(x.floats()), bits(y.floats()), what + " " + k);
                case FLOAT64 -> assertArrayEquals(java.util.Arrays.stream(x.doubles()).mapToLong(Double::doubleToRawLongBits).toArray(),
                    java.util.Arrays.stream(y.doubles()).mapToLong(Double::doubleToRawLongBits).toArray(), what + " " + k);
                default -> assertArrayEquals(x.longs(), y.longs(), what + " " + k);
            }
        }
    }

    static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
        return out;
    }

    static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
