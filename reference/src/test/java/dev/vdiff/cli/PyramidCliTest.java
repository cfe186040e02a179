package dev.vdiff.cli;

import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff train --pyramid} and {@code vdiff sample} of a pyramid run end to end on a tiny UNet, for flow
 * matching (3 stages, 4 frames: stages of 1, 2 and 4 frames) and for epsilon prediction (2 stages); a crashed and
 * resumed pyramid run equals a straight one bit for bit; bad pyramid flags are one-line errors.
 */
class PyramidCliTest {
    @TempDir
    Path tmp;




    static String[] withFrames4(String... head) {
        List<String> l = new java.util.ArrayList<>(List.of(head));
        String[] t = TrainSampleCliTest.TINY;
        for (int i = 0; i < t.length; i += 2) if (!t[i].equals("--frames")) {
            l.add(t[i]);
            l.add(t[i + 1]);
        }
        l.add("--frames");
        l.add("4");
        return l.toArray(String[]::new);
    }

    @Test
    void flowPyramidTrainsResumesBitForBitAndSamples() throws Exception {
        Path straight = tmp.resolve("straight"), crashed = tmp.resolve("crashed");
        String[] flow = {"--objective", "flow", "--pyramid"};
        assertEquals(0, vdiff(args(withFrames4("train", "--out", straight.toString(), "--steps", "4"), flow)).code());
        TrainSampleCliTest.Run b = vdiff(args(withFrames4("train", "--out", crashed.toString(), "--steps", "2"), flow));
        assertEquals(0, b.code(), b.err());
        TrainSampleCliTest.Run c = vdiff("train", "--resume", crashed.toString(), "--steps", "4");
        assertEquals(0, c.code(), c.err());
        for (String f : List.of("model.safetensors", "ema.safetensors", "optimizer.safetensors")) {
            assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/step-00000004/" + f)), Files.readAllBytes(crashed.resolve("checkpoints/step-00000004/" + f)), f);
        }
        RunSpec run = RunSpec.read(straight);
        assertNotNull(PyramidJson.of(run));
        assertEquals(PyramidConfig.flow(), PyramidJson.of(run), "defaults: 3 uniform stages, alignment on, anti-correlated renoising");
        assertTrue(Files.readString(straight.resolve("run.json")).contains("\"pyramid\""));

        Path samples = tmp.resolve("samples");
        TrainSampleCliTest.Run s = vdiff("sample", "--run", straight.toString(), "--out", samples.toString(), "--sampler", "flow", "--steps", "3",
            "--per-label", "2", "--labels", "1", "--scale", "2");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("temporal pyramid"), s.err());
        for (String f : List.of("circle.gif", "circle.mp4", "circle.png")) assertTrue(Files.size(samples.resolve(f)) > 0, f);
        Map<String, Tensor> raw = Safetensors.read(samples.resolve("samples.safetensors"));
        assertArrayEquals(new int[] {2, 4, 3, 8, 8}, raw.get("videos").shape(), "full-rate output from 1-frame starting noise");
        for (double v : raw.get("videos").toDoubleArray()) assertTrue(Double.isFinite(v));
    }

    @Test
    void epsilonPyramidWithTwoStagesAndOptionsTrainsAndSamples() throws Exception {
        Path run = tmp.resolve("eps");
        TrainSampleCliTest.Run a = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2"}, args(TrainSampleCliTest.TINY,
            "--objective", "eps", "--pyramid", "--stages", "2", "--step-weights", "1,2", "--no-alignment", "--stage-sampling", "equal-split")));
        assertEquals(0, a.code(), a.err());
        PyramidConfig p = PyramidJson.of(RunSpec.read(run));
        assertEquals(2, p.stageCount());
        assertArrayEquals(new int[] {1, 2}, p.stepWeights());
        assertEquals(dev.vdiff.diffusion.pyramid.NoiseAlignment.Mode.OFF, p.alignment());
        assertEquals(PyramidConfig.StageSampling.EQUAL_SPLIT, p.stageSampling());
        Path samples = tmp.resolve("s");
        TrainSampleCliTest.Run s = vdiff("sample", "--run", run.toString(), "--out", samples.toString(), "--steps", "3", "--per-label", "1", "--labels", "0", "--pyramid");
        assertEquals(0, s.code(), s.err());
        assertArrayEquals(new int[] {1, 2, 3, 8, 8}, Safetensors.read(samples.resolve("samples.safetensors")).get("videos").shape());
    }

    @Test
    void vanillaRunFilesHaveNoPyramidAndBadPyramidFlagsAreOneLineErrors() throws Exception {
        Path vanilla = tmp.resolve("vanilla");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", vanilla.toString(), "--steps", "1"}, TrainSampleCliTest.TINY)).code());
        assertFalse(Files.readString(vanilla.resolve("run.json")).contains("pyramid"), "old-style run file");
        assertNull(PyramidJson.of(RunSpec.read(vanilla)));
        expectError(vdiff("sample", "--run", vanilla.toString(), "--out", tmp.resolve("s").toString(), "--pyramid"), "was not trained as a temporal pyramid");
        expectError(vdiff("train", "--resume", vanilla.toString(), "--pyramid"), "--pyramid cannot change on --resume");

        Path out = tmp.resolve("bad");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--stages", "2"}, TrainSampleCliTest.TINY)), "only apply with --pyramid");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--pyramid"}, TrainSampleCliTest.TINY)), "--frames 2 cannot be halved 2 times");
        expectError(vdiff(args(withFrames4("train", "--out", out.toString(), "--steps", "1"), "--pyramid", "--step-weights", "1,1")), "--step-weights needs one weight per stage (3)");
        expectError(vdiff(args(withFrames4("train", "--out", out.toString(), "--steps", "1"), "--pyramid", "--renoising", "wild")), "--renoising must be one of anti-correlated, none");
        expectError(vdiff(args(withFrames4("train", "--out", out.toString(), "--steps", "1"), "--pyramid", "--stages", "0")), "--stages must be in 1..6");
        expectError(vdiff(args(withFrames4("train", "--out", out.toString(), "--steps", "1"), "--pyramid", "--timesteps", "tqd")), "cannot be combined with --timesteps tqd");
        assertFalse(Files.exists(out.resolve("run.json")), "no run is created by a failed start");
    }
}
