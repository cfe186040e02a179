package dev.vdiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff reward train}, {@code vdiff distill --method turbo} (straight, and stopped after 2 steps then
 * resumed: the same bits), and {@code vdiff sample} of the student with LCM multistep, on a tiny teacher; and the
 * one-line refusals (a flow teacher, options on --resume, --omega on a plain run).
 */
class DistillCliTest {
    @TempDir
    Path tmp;

    /** A tiny teacher: 4 frames of 8x8 (the video reward sees 2 strided frames), UNet 8/16 channels. */
    static final String[] TINY = {"--size", "8", "--frames", "4", "--ch0", "8", "--ch1", "16", "--heads", "2", "--groups", "4", "--emb", "16",
        "--batch", "2", "--train-clips", "6", "--warmup", "1", "--lr", "3e-3", "--checkpoint-every", "0"};
    static final String[] STUDENT = {"distill", "--method", "turbo", "--grid-points", "10", "--omega-min", "0.5", "--omega-max", "1.5", "--tau", "0.5",
        "--inversion-stride", "3", "--embedding-dim", "8", "--batch", "2", "--lr", "1e-3", "--checkpoint-every", "2", "--keep-checkpoints", "3"};

    @Test
    void rewardsDistillResumeAndSample() throws Exception {
        Path teacher = tmp.resolve("teacher");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", teacher.toString(), "--steps", "2"}, TINY)).code());
        Path img = tmp.resolve("img.safetensors"), vid = tmp.resolve("vid.safetensors");
        var ri = vdiff("reward", "train", "--kind", "image", "--run", teacher.toString(), "--out", img.toString(), "--steps", "2", "--batch", "2", "--width", "4");
        assertEquals(0, ri.code(), ri.err());
        var rv = vdiff("reward", "train", "--kind", "video", "--run", teacher.toString(), "--out", vid.toString(), "--steps", "2", "--batch", "2", "--width", "4", "--frames", "2");
        assertEquals(0, rv.code(), rv.err());
        // each accuracy printed right after its own label (the class one used to trail the motion one)
        assertTrue(ri.out().matches("(?s).*held-out class accuracy of single frames [01]\\.\\d{3}\\s*"), ri.out());
        assertTrue(rv.out().matches("(?s).*held-out class accuracy of clips [01]\\.\\d{3}, motion accuracy of clips [01]\\.\\d{3}\\s*"), rv.out());
        var again = vdiff("reward", "train", "--kind", "image", "--run", teacher.toString(), "--out", img.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());

        Path straight = tmp.resolve("straight"), stopped = tmp.resolve("stopped");
        String[] common = args(STUDENT, "--teacher", teacher.toString(), "--image-reward", img.toString(), "--video-reward", vid.toString());
        var a = vdiff(args(common, "--out", straight.toString(), "--steps", "4"));
        assertEquals(0, a.code(), a.err());
        var b = vdiff(args(common, "--out", stopped.toString(), "--steps", "2"));
        assertEquals(0, b.code(), b.err());
        var c = vdiff("distill", "--method", "turbo", "--resume", stopped.toString(), "--steps", "4");
        assertEquals(0, c.code(), c.err());
        for (String f : List.of("model.safetensors", "ema.safetensors", "optimizer.safetensors", "state.json")) {
            byte[] x = Files.readAllBytes(straight.resolve("checkpoints/step-00000004/" + f)), y = Files.readAllBytes(stopped.resolve("checkpoints/step-00000004/" + f));
            if (f.equals("state.json")) {   // elapsed seconds differ; everything else must not
                x = new String(x).replaceAll("\"elapsed_seconds\":[^,}]*", "").getBytes();
                y = new String(y).replaceAll("\"elapsed_seconds\":[^,}]*", "").getBytes();
            }
            assertArrayEquals(x, y, f);
        }

        // The v1 variant: the EMA target is checkpointed state and resumes bit for bit too.
        Path emaStraight = tmp.resolve("ema-straight"), emaStopped = tmp.resolve("ema-stopped");
        String[] ema = args(STUDENT, "--teacher", teacher.toString(), "--target", "ema");
        assertEquals(0, vdiff(args(ema, "--out", emaStraight.toString(), "--steps", "3")).code());
        assertEquals(0, vdiff(args(ema, "--out", emaStopped.toString(), "--steps", "2")).code());
        assertEquals(0, vdiff("distill", "--method", "turbo", "--resume", emaStopped.toString(), "--steps", "3").code());
        for (String f : List.of("model.safetensors", "ema_target.safetensors")) {
            assertArrayEquals(Files.readAllBytes(emaStraight.resolve("checkpoints/step-00000003/" + f)), Files.readAllBytes(emaStopped.resolve("checkpoints/step-00000003/" + f)), f);
        }
        var changed = vdiff("distill", "--method", "turbo", "--resume", emaStopped.toString(), "--lr", "1");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("--lr cannot change on --resume"), changed.err());

        for (int steps : new int[] {1, 2, 4}) {
            Path samples = tmp.resolve("samples" + steps);
            var s = vdiff("sample", "--run", straight.toString(), "--out", samples.toString(), "--sampler", "lcm", "--steps", Integer.toString(steps),
                "--per-label", "1", "--labels", "0", "--scale", "2", "--omega", "1.0");
            assertEquals(0, s.code(), s.err());
            assertTrue(Files.size(samples.resolve("samples.safetensors")) > 0);
        }
        var cfg = vdiff("sample", "--run", straight.toString(), "--out", tmp.resolve("x").toString(), "--sampler", "lcm", "--guidance", "3");
        assertEquals(2, cfg.code());
        assertTrue(cfg.err().contains("--omega"), cfg.err());
    }

    @Test
    void refusals() throws Exception {
        Path flow = tmp.resolve("flow");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", flow.toString(), "--steps", "1", "--objective", "flow"}, TINY)).code());
        var r = vdiff(args(STUDENT, "--teacher", flow.toString(), "--out", tmp.resolve("s").toString(), "--steps", "1"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must predict epsilon") && r.err().lines().count() == 1, r.err());
        var noReward = vdiff(args(STUDENT, "--teacher", flow.toString(), "--out", tmp.resolve("s").toString(), "--beta-img", "0.3"));
        assertEquals(2, noReward.code());
        var omega = vdiff("sample", "--run", flow.toString(), "--out", tmp.resolve("o").toString(), "--sampler", "flow", "--omega", "2");
        assertEquals(2, omega.code());
        assertTrue(omega.err().contains("not a distilled student"), omega.err());
        var method = vdiff("distill", "--method", "bogus", "--teacher", flow.toString(), "--out", tmp.resolve("m").toString());
        assertEquals(2, method.code());
        assertTrue(method.err().contains("--method"), method.err());
    }
}
