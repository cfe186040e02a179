package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.turbo.reward.ClassifierRewards;
import dev.vdiff.reference.turbo.reward.ClipClassifier;
import dev.vdiff.reference.turbo.reward.FrameClassifier;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every piece wired together at toy size, as the distillation command will: frozen teacher, student with omega and
 * lambda inputs, motion-guided solver with a frame-difference gate, classifier rewards, a few steps, then 2-step
 * student sampling. Checks that it runs, stays finite and that the student moved away from the teacher.
 */
class TurboToyEndToEndTest {
    @Test
    void distilThenSample() {
        NoiseSchedule schedule = NoiseSchedule.videoCrafter2();
        VideoUNet teacherNet = TurboFixtures.teacher(DType.FLOAT32, 11);
        GuidedStudent student = GuidedStudent.fromTeacher(teacherNet, new GuidedStudent.Config(16, true), Rng.seed(12));
        RewardObjective rewards = new RewardObjective(RewardObjective.Config.t2vTurboV2(),
            ClassifierRewards.image(new FrameClassifier(3, 4, DType.FLOAT32, Rng.seed(13))),
            ClassifierRewards.video(new ClipClassifier(3, 4, 4, DType.FLOAT32, Rng.seed(14))));
        TurboDistillation.Config cfg = TurboDistillation.Config.t2vTurboV2(15)
            .withSolver(new AugmentedSolver.Config(10, 5, 15, 0.05, 0.5, GuidedDdimSolver.MotionTerm.RELEASED_CODE))
            .withMotion(new MotionScore.Config(n -> n.startsWith("dec"), 3)).withLearningRate(1e-3);
        TurboDistillation d = new TurboDistillation(new FrozenTeacher(teacherNet), student, schedule, cfg, MotionGate.frameDifference(0.01), rewards);
        List<TurboDistillation.StepResult> log = new ArrayList<>();
        d.run(4, s -> new TurboDistillation.Clips(Rng.seed(100 + s).uniform(-1, 1, DType.FLOAT32, 3, 4, 3, 8, 8), Tensor.ofLongs(new long[] {0, 1, 2}, 3)), log::add);
        assertEquals(4, log.size());
        assertEquals(4, d.stepCount());
        for (TurboDistillation.StepResult r : log) {
            assertTrue(Double.isFinite(r.total()) && r.reward() < 0, r.toString());   // log-probability rewards are negative
            assertTrue(r.total() > r.lossCd(), "L = L_CD - J with J < 0: " + r);
        }
        Tensor w0 = teacherNet.namedParameters().get("out_conv.weight"), w1 = student.namedParameters().get("unet.out_conv.weight");
        assertTrue(!java.util.Arrays.equals(w0.floats(), w1.floats()), "the student trained");
        Tensor video = new TurboSampler(schedule, LcmBoundary.T2V_TURBO, TurboSampler.Config.of(2, 10))
            .sample(student, Rng.seed(16).normal(DType.FLOAT32, 2, 4, 3, 8, 8), Tensor.ofLongs(new long[] {0, 2}, 2), Rng.seed(17));
        assertArrayEquals(new int[] {2, 4, 3, 8, 8}, video.shape());
        for (float v : video.contiguous().floats()) assertTrue(Float.isFinite(v));
    }
}
