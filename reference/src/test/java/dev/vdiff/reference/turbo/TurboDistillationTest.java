package dev.vdiff.reference.turbo;

import dev.vdiff.reference.turbo.reward.DifferentiableReward;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distillation loop: determinism, bit-exact resume, both targets, the sign convention L = L_CD - J. */
class TurboDistillationTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();
    private static final VideoUNet TEACHER = TurboFixtures.teacher(DType.FLOAT32, 5);

    /** A smooth reward per row: minus the mean squared distance of the pixels from 0.5 (higher = closer to grey). */
    static final DifferentiableReward GREY = (x, cond) -> {
        int n = x.shape(0);
        Tensor d = Pointwise.square(Arithmetic.add(x, -0.5));
        return Arithmetic.neg(Reductions.mean(d.reshape(n, d.numel() / n), new int[] {1}, false));
    };

    private static TurboDistillation fresh(TurboDistillation.Target target, boolean rewards) {
        AugmentedSolver.Config solver = new AugmentedSolver.Config(20, 5, 15, 0.05, 0.5, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        TurboDistillation.Config cfg = TurboDistillation.Config.t2vTurboV2(42).withSolver(solver)
            .withMotion(new MotionScore.Config(n -> n.startsWith("dec"), 10)).withTarget(target).withLearningRate(1e-3);
        GuidedStudent student = GuidedStudent.fromTeacher(TEACHER, new GuidedStudent.Config(16, true), Rng.seed(6));
        RewardObjective r = rewards ? new RewardObjective(RewardObjective.Config.t2vTurboV2(), GREY, GREY) : null;
        return new TurboDistillation(new FrozenTeacher(VideoUNet.load(TEACHER.config(), TEACHER.stateDict())), student, VC2, cfg, MotionGate.all(), r);
    }

    private static Tensor clips(long step) {
        return Rng.seed(1000 + step).uniform(-1, 1, DType.FLOAT32, 2, 4, 3, 8, 8);
    }

    private static final Tensor LABELS = Tensor.ofLongs(new long[] {1, 2}, 2);

    private static List<Object> bits(Map<String, Tensor> state) {
        List<Object> out = new ArrayList<>();
        for (var e : state.entrySet()) {
            out.add(e.getKey());
            Tensor t = e.getValue().contiguous();
            out.add(t.dtype() == DType.INT64 ? java.util.Arrays.toString(t.longs()) : java.util.Arrays.toString(t.toDoubleArray()));
        }
        return out;
    }

    /** Same seed and data: the same bits; a run resumed from its state after 2 steps ends where 4 straight steps end. */
    @ParameterizedTest
    @EnumSource(TurboDistillation.Target.class)
    void deterministicAndResumableBitForBit(TurboDistillation.Target target) {
        TurboDistillation straight = fresh(target, true);
        List<TurboDistillation.StepResult> results = new ArrayList<>();
        for (long s = 0; s < 4; s++) results.add(straight.step(clips(s), LABELS));
        TurboDistillation first = fresh(target, true);
        for (long s = 0; s < 2; s++) assertEquals(results.get((int) s), first.step(clips(s), LABELS));
        Map<String, Tensor> saved = first.stateDict();
        TurboDistillation resumed = fresh(target, true);
        resumed.loadStateDict(saved);
        assertEquals(2, resumed.stepCount());
        for (long s = 2; s < 4; s++) assertEquals(results.get((int) s), resumed.step(clips(s), LABELS));
        assertEquals(bits(straight.stateDict()), bits(resumed.stateDict()));
        for (TurboDistillation.StepResult r : results) {
            assertTrue(Double.isFinite(r.lossCd()) && r.lossCd() >= 0, r.toString());
            assertEquals(r.lossCd() - r.reward(), r.total(), 1e-6 * Math.max(1, Math.abs(r.total())), "L = L_CD - J");
        }
        assertTrue(results.stream().anyMatch(r -> r.motionClips() > 0), "some step should use motion guidance: " + results);
    }

    /** The EMA target changes the training (different weights after a few steps) and keeps one extra copy of the weights. */
    @Test
    void emaTargetDiffersFromTheOnlineTarget() {
        TurboDistillation online = fresh(TurboDistillation.Target.ONLINE, false), ema = fresh(TurboDistillation.Target.EMA, false);
        for (long s = 0; s < 3; s++) {
            online.step(clips(s), LABELS);
            ema.step(clips(s), LABELS);
        }
        Map<String, Tensor> a = online.stateDict(), b = ema.stateDict();
        assertFalse(bits(a).equals(bits(b)));
        long emaKeys = b.keySet().stream().filter(k -> k.startsWith("ema.")).count();
        assertEquals(online.student().namedParameters().size(), emaKeys);
        assertFalse(a.keySet().stream().anyMatch(k -> k.startsWith("ema.")));
    }

    @Test
    void motionGuidanceNeedsAStudentWithALambdaInput() {
        GuidedStudent plain = GuidedStudent.fromTeacher(TEACHER, new GuidedStudent.Config(16, false), Rng.seed(6));
        var e = assertThrows(IllegalArgumentException.class, () -> new TurboDistillation(new FrozenTeacher(VideoUNet.load(TEACHER.config(), TEACHER.stateDict())), plain, VC2,
            TurboDistillation.Config.t2vTurboV2(1), MotionGate.all(), null));
        assertTrue(e.getMessage().contains("no motion-strength input"), e.getMessage());
    }
}
