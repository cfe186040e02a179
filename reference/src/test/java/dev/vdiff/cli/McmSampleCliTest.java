package dev.vdiff.cli;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.mcm.McmRunSettings;
import dev.vdiff.reference.mcm.McmStudentRun;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff sample} on an MCM student folder ({@code vdiff distill --method mcm}): the adapters merged into the
 * teacher's weights, LCM multistep with MCM's boundary (S = 4) at 1/2/4/8 steps, class labels as trained.
 *
 * <p>The 1-step sample is checked against the LCM formula written out here (SPEC §1.5: at t = 999,
 * {@code c_skip z + c_out (z - sqrt(1 - abar) eps) / sqrt(abar)}), with {@code eps} from the student as the
 * <em>training</em> code holds it after a resume ({@code McmDistillation}: unmerged adapters written into the layers),
 * not from the sampling loader: a wrong merge, a wrong checkpoint or the teacher's weights would all differ.
 */
class McmSampleCliTest {
    @TempDir
    Path tmp;

    @Test
    void samplesTheMergedStudentByLcmAndRefusesWhatDoesNotApply() throws Exception {
        Path teacher = tmp.resolve("teacher"), student = tmp.resolve("student");
        assertEquals(0, vdiff(args(args(new String[] {"train", "--out", teacher.toString(), "--steps", "2"}, DistillCliTest.TINY), "--patch", "1")).code());
        var d = vdiff("distill", "--method", "mcm", "--teacher", teacher.toString(), "--out", student.toString(), "--images", "synthetic", "--image-clips", "12",
            "--omega-min", "0.5", "--omega-max", "1.5", "--lora-rank", "2", "--batch", "2", "--lr", "3e-2", "--lambda-gp", "1e-2", "--steps", "3", "--checkpoint-every", "1",
            "--keep-checkpoints", "3");
        assertEquals(0, d.code(), d.err());

        // 1 step: the LCM formula on the resumed training student's eps.
        Path s1 = tmp.resolve("s1");
        var r1 = vdiff("sample", "--run", student.toString(), "--sampler", "lcm", "--steps", "1", "--labels", "0,1", "--per-label", "1", "--seed", "5", "--out", s1.toString());
        assertEquals(0, r1.code(), r1.err());
        Tensor videos = Safetensors.read(s1.resolve("samples.safetensors")).get("videos");
        McmStudentRun resumed = McmStudentRun.resume(student, null);
        var d1 = resumed.settings().data();
        assertArrayEquals(new int[] {2, d1.frames(), 3, d1.height(), d1.width()}, videos.shape());
        assertEquals(3, resumed.trainer().stepsDone());
        NoiseSchedule schedule = NoiseSchedule.videoCrafter2();
        double a = schedule.sqrtAlphaBar(999), s = schedule.sqrtOneMinusAlphaBar(999);
        double cSkip = LcmBoundary.MCM.cSkip(999), cOut = LcmBoundary.MCM.cOut(999);
        double maxFromTeacher = 0;
        for (int i = 0; i < 2; i++) {
            Tensor z = Rng.seed(5).split(i).normal(DType.FLOAT32, 1, d1.frames(), 3, d1.height(), d1.width());
            float[] eps;
            try (var g = Autograd.noGrad()) {
                eps = resumed.distillation().studentDenoiser().predict(z, Tensor.ofLongs(new long[] {999}, 1), Tensor.ofLongs(new long[] {i}, 1)).contiguous().floats();
            }
            float[] zv = z.contiguous().floats(), got = videos.narrow(0, i, 1).contiguous().floats();
            for (int k = 0; k < zv.length; k++) {
                double want = cSkip * zv[k] + cOut * (zv[k] - s * eps[k]) / a;
                assertEquals(want, got[k], 1e-4 * (1 + Math.abs(want)), "video " + i + " value " + k);
            }
        }
        // The adapters moved the student away from the teacher (so the check above is not the teacher's output).
        McmStudentRun fresh = McmStudentRun.resume(copyWithoutCheckpoints(student), null);
        Tensor z0 = Rng.seed(5).split(0).normal(DType.FLOAT32, 1, d1.frames(), 3, d1.height(), d1.width());
        try (var g = Autograd.noGrad()) {
            float[] e0 = fresh.distillation().studentDenoiser().predict(z0, Tensor.ofLongs(new long[] {999}, 1), Tensor.ofLongs(new long[] {0}, 1)).contiguous().floats();
            float[] e3 = resumed.distillation().studentDenoiser().predict(z0, Tensor.ofLongs(new long[] {999}, 1), Tensor.ofLongs(new long[] {0}, 1)).contiguous().floats();
            for (int k = 0; k < e0.length; k++) maxFromTeacher = Math.max(maxFromTeacher, Math.abs(e0[k] - e3[k]));
        }
        assertTrue(maxFromTeacher > 1e-3, "3 LoRA steps at lr 3e-2 change the student's eps, max " + maxFromTeacher);

        // 2, 4 and 8 steps: finite videos, different from the 1-step ones; an older checkpoint samples other videos.
        for (int n : new int[] {2, 4, 8}) {
            Path o = tmp.resolve("s" + n);
            var r = vdiff("sample", "--run", student.toString(), "--sampler", "lcm", "--steps", Integer.toString(n), "--labels", "0,1", "--per-label", "1", "--seed", "5", "--out", o.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("MCM student (LoRA rank 2, merged), LCM boundary S = 4, 50-point grid"), r.err());
            float[] v = Safetensors.read(o.resolve("samples.safetensors")).get("videos").contiguous().floats();
            for (float x : v) assertTrue(Float.isFinite(x));
            assertTrue(!Arrays.equals(v, videos.contiguous().floats()), n + " steps");
            assertTrue(Files.isRegularFile(o.resolve(d1.className(0).replace(' ', '-') + ".gif")));
        }
        var older = vdiff("sample", "--run", student.toString(), "--checkpoint", "2", "--sampler", "lcm", "--steps", "1", "--labels", "0,1", "--per-label", "1", "--seed", "5", "--out", tmp.resolve("old").toString());
        assertEquals(0, older.code(), older.err());
        assertTrue(!Arrays.equals(Safetensors.read(tmp.resolve("old/samples.safetensors")).get("videos").contiguous().floats(), videos.contiguous().floats()));

        // Refusals, one line each.
        String[][] bad = {
            {"--sampler", "ddim", "--steps", "4"},
            {"--sampler", "lcm", "--steps", "4", "--guidance", "3"},
            {"--sampler", "lcm", "--steps", "4", "--weights", "trained"},
            {"--sampler", "lcm", "--steps", "4", "--caption", "a red square"},
            {"--sampler", "lcm", "--steps", "4", "--checkpoint", "99"},
            {"--sampler", "lcm", "--steps", "51"}};
        String[] expect = {"sample it with --sampler lcm", "--guidance do not apply", "--weights do not apply", "conditioned on class labels", "--checkpoint 99: no", "steps <= origin steps (50), got 51"};
        for (int i = 0; i < bad.length; i++) {
            var r = vdiff(args(args(new String[] {"sample", "--run", student.toString(), "--out", tmp.resolve("bad" + i).toString()}, bad[i])));
            assertEquals(2, r.code(), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(r.err().contains(expect[i]) && r.err().strip().lines().count() == 1, r.err());
        }
    }

    /** The run folder without its checkpoints: resumed at step 0, the student is the teacher (B = 0). */
    private Path copyWithoutCheckpoints(Path student) throws Exception {
        Path c = tmp.resolve("student-at-0");
        Files.createDirectories(c);
        for (String f : new String[] {McmRunSettings.FILE, McmRunSettings.TEACHER_WEIGHTS}) Files.copy(student.resolve(f), c.resolve(f));
        return c;
    }
}
