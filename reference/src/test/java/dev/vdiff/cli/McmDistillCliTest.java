package dev.vdiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff distill --method mcm} on a tiny teacher: straight, and stopped after 2 steps then resumed to 4 (the
 * same checkpoint bytes: student weights, adapters, learned head and its EMA, discriminator with spectral-norm buffers,
 * optimizers, lambda_gp; the same loss history and terms); and the one-line refusals.
 */
class McmDistillCliTest {
    @TempDir
    Path tmp;

    static final String[] STUDENT = {"distill", "--method", "mcm", "--images", "synthetic", "--image-clips", "12", "--omega-min", "0.5", "--omega-max", "1.5",
        "--lora-rank", "2", "--batch", "2", "--lr", "1e-3", "--checkpoint-every", "2", "--keep-checkpoints", "3", "--lambda-gp", "1e-2"};

    @Test
    void distillResumeBitForBitAndRefusals() throws Exception {
        Path teacher = tmp.resolve("teacher");
        assertEquals(0, vdiff(args(args(new String[] {"train", "--out", teacher.toString(), "--steps", "2"}, DistillCliTest.TINY), "--patch", "1")).code());
        Path straight = tmp.resolve("straight"), stopped = tmp.resolve("stopped");
        String[] common = args(STUDENT, "--teacher", teacher.toString());
        var a = vdiff(args(common, "--out", straight.toString(), "--steps", "4"));
        assertEquals(0, a.code(), a.err());
        var b = vdiff(args(common, "--out", stopped.toString(), "--steps", "2"));
        assertEquals(0, b.code(), b.err());
        var c = vdiff("distill", "--method", "mcm", "--resume", stopped.toString(), "--steps", "4");
        assertEquals(0, c.code(), c.err());
        for (String f : new String[] {"model", "ema", "optimizer", "mcm"}) {
            String file = "checkpoints/step-00000004/" + f + ".safetensors";
            assertArrayEquals(Files.readAllBytes(straight.resolve(file)), Files.readAllBytes(stopped.resolve(file)), "the resumed run's state after 4 steps: " + file);
        }
        var stateA = dev.vdiff.reference.train.Checkpoints.readState(straight.resolve("checkpoints/step-00000004"));
        var stateB = dev.vdiff.reference.train.Checkpoints.readState(stopped.resolve("checkpoints/step-00000004"));
        for (String k : new String[] {"step", "data_position", "losses", "grad_norms", "terms"}) assertEquals(String.valueOf(stateA.get(k)), String.valueOf(stateB.get(k)), k);
        assertTrue(String.valueOf(stateA.get("terms")).contains("loss_mcd"), "the loss terms are in the checkpoint: " + stateA.get("terms"));
        assertArrayEquals(Files.readAllBytes(straight.resolve("lora.safetensors")), Files.readAllBytes(stopped.resolve("lora.safetensors")));
        assertTrue(Files.size(straight.resolve("loss.png")) > 100);

        // A folder of the loop before the trainer (single-file checkpoints) is refused, not silently restarted at step 0.
        Path old = tmp.resolve("old");
        Files.createDirectories(old.resolve("checkpoints"));
        for (String f : new String[] {"mcm.json", "teacher.safetensors"}) Files.copy(straight.resolve(f), old.resolve(f));
        Files.write(old.resolve("checkpoints/step-00000002.safetensors"), new byte[16]);
        var oldResume = vdiff("distill", "--method", "mcm", "--resume", old.toString());
        assertEquals(2, oldResume.code(), oldResume.err());
        assertTrue(oldResume.err().contains("step-N.safetensors") && oldResume.err().strip().lines().count() == 1, oldResume.err());
        var oldSample = vdiff("sample", "--run", old.toString(), "--sampler", "lcm", "--steps", "1", "--out", tmp.resolve("old-samples").toString());
        assertEquals(2, oldSample.code(), oldSample.err());
        assertTrue(!Files.exists(old.resolve("checkpoints/step-00000000")), "nothing written");

        var changed = vdiff("distill", "--method", "mcm", "--resume", stopped.toString(), "--p-gen", "1");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("--p-gen cannot change on --resume") && changed.err().lines().count() == 1, changed.err());
        var again = vdiff(args(common, "--out", straight.toString()));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds an MCM run"), again.err());
        var foreign = vdiff(args(common, "--out", tmp.resolve("x").toString(), "--tau", "0.3"));
        assertEquals(2, foreign.code());
        assertTrue(foreign.err().contains("--tau do not apply to --method mcm"), foreign.err());
        var wrongMethod = vdiff("distill", "--method", "turbo", "--teacher", teacher.toString(), "--out", tmp.resolve("y").toString(), "--p-gen", "0.3");
        assertEquals(2, wrongMethod.code());
        assertTrue(wrongMethod.err().contains("--p-gen belong to --method mcm"), wrongMethod.err());
        var badRep = vdiff(args(common, "--out", tmp.resolve("z").toString(), "--representation", "wavelet"));
        assertEquals(2, badRep.code());
        assertTrue(badRep.err().contains("unknown motion representation 'wavelet'") && badRep.err().lines().count() == 1, badRep.err());
        assertTrue(!Files.exists(tmp.resolve("z")), "a refused run writes nothing");

        // --images DIR: a folder of image files (PNG, JPEG), unlabelled here (they serve every class).
        Path images = tmp.resolve("images");
        dev.vdiff.reference.data.ImageFolderTest.write(images.resolve("a.png"), 20, 12, 0xFF0000, -1, "png");
        dev.vdiff.reference.data.ImageFolderTest.write(images.resolve("b.jpg"), 12, 12, 0x00FF00, 0x0000FF, "jpg");
        String[] withImages = args(STUDENT, "--teacher", teacher.toString(), "--steps", "1");
        withImages[4] = images.toString();   // STUDENT's "--images synthetic"
        var fromFiles = vdiff(args(withImages, "--out", tmp.resolve("from-files").toString()));
        assertEquals(0, fromFiles.code(), fromFiles.err());
        assertTrue(Files.isRegularFile(tmp.resolve("from-files/checkpoints/step-00000001/mcm.safetensors")));
        Path videos = tmp.resolve("videos");
        Files.createDirectories(videos);
        Files.writeString(videos.resolve("clip.mp4"), "x");
        withImages[4] = videos.toString();
        var noImages = vdiff(args(withImages, "--out", tmp.resolve("from-videos").toString()));
        assertEquals(2, noImages.code());
        assertTrue(noImages.err().contains("it holds videos") && noImages.err().strip().lines().count() == 1, noImages.err());
        assertTrue(!Files.exists(tmp.resolve("from-videos")), "a refused run writes nothing");
    }

    /** A v teacher on the zero-terminal-SNR schedule: the student folder records both, samples with them, and a flow teacher is refused. */
    @Test
    void vZeroSnrTeacherDistilsAndSamples() throws Exception {
        Path teacher = tmp.resolve("teacher-v");
        assertEquals(0, vdiff(args(args(new String[] {"train", "--out", teacher.toString(), "--steps", "2"}, DistillCliTest.TINY), "--patch", "1", "--objective", "v",
            "--zero-terminal-snr")).code());
        Path student = tmp.resolve("student-v");
        var a = vdiff(args(args(STUDENT, "--teacher", teacher.toString()), "--out", student.toString(), "--steps", "2"));
        assertEquals(0, a.code(), a.err());
        var settings = dev.vdiff.reference.mcm.McmRunSettings.fromJson(dev.vdiff.tensor.io.Json.parseObject(java.nio.file.Files.readAllBytes(student.resolve("mcm.json"))));
        assertEquals(dev.vdiff.reference.train.Objective.V, settings.objective());
        assertTrue(settings.noise().zeroTerminalSnr());
        var s = vdiff("sample", "--run", student.toString(), "--sampler", "lcm", "--steps", "2", "--labels", "0", "--per-label", "1", "--out", tmp.resolve("s-v").toString());
        assertEquals(0, s.code(), s.err());
        Path x0 = tmp.resolve("teacher-flow");
        assertEquals(0, vdiff(args(args(new String[] {"train", "--out", x0.toString(), "--steps", "1"}, DistillCliTest.TINY), "--patch", "1", "--objective", "flow")).code());
        var refused = vdiff(args(args(STUDENT, "--teacher", x0.toString()), "--out", tmp.resolve("student-flow").toString(), "--steps", "1"));
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("the teacher must predict eps or v"), refused.err());
    }
}
