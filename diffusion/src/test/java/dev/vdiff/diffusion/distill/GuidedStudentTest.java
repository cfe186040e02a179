package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guidance-conditioned student of SPEC §1.5, §1.7 and the UNet's extra time-embedding input. */
class GuidedStudentTest {
    /** F=3, C=2, channels 8/16 with attention at level 1, 3 classes, tDim 8. */
    static final VideoUNetConfig TINY = new VideoUNetConfig(3, 2,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);
    private static final Tensor T = Tensor.ofLongs(new long[] {999, 4}, 2);
    private static final Tensor Y = Tensor.ofLongs(new long[] {0, 3}, 2);

    private static Tensor omega() {
        return Tensor.of(new double[] {5.0, 13.7}, 2);
    }

    private static Tensor lambda() {
        return Tensor.of(new double[] {0.05, 0}, 2);
    }

    private static double[] run(Tensor out) {
        return out.contiguous().doubles().clone();
    }

    /** Zero-initialised last projection: the student's output is the teacher's, bit for bit, for any omega, lambda. */
    @Test
    void startsEqualToTheTeacher() {
        VideoUNet teacher = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(3));
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 2, 3, 2, 4, 4);
        double[] expected;
        try (var s = Autograd.noGrad()) {
            expected = run(teacher.forward(x, T, Y));
            for (boolean motion : new boolean[] {false, true}) {
                GuidedStudent student = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(32, motion), Rng.seed(5));
                assertArrayEquals(expected, run(student.forward(x, T, Y, omega(), motion ? lambda() : null)), 0.0, "motion " + motion);
            }
        }
    }

    /** Once the last projection is non-zero the guidance scale changes the output (the path is live). */
    @Test
    void nonZeroProjectionMakesOmegaMatter() {
        VideoUNet teacher = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(3));
        GuidedStudent student = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(16, true), Rng.seed(5));
        Tensor w = student.namedParameters().get("cond_proj.weight");
        double[] v = w.doubles();
        for (int i = 0; i < v.length; i++) v[i] = 0.1 * Math.sin(i + 1.0);
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 2, 3, 2, 4, 4);
        try (var s = Autograd.noGrad()) {
            double[] a = run(student.forward(x, T, Y, omega(), lambda()));
            double[] b = run(student.forward(x, T, Y, Tensor.of(new double[] {6.0, 13.7}, 2), lambda()));
            double[] c = run(student.forward(x, T, Y, omega(), Tensor.of(new double[] {0, 0}, 2)));
            // sample 0 changed its omega (and, in c, its lambda); sample 1 kept both in b and c
            int per = a.length / 2;
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(a, per), java.util.Arrays.copyOf(b, per)));
            assertArrayEquals(java.util.Arrays.copyOfRange(a, per, 2 * per), java.util.Arrays.copyOfRange(b, per, 2 * per), 0.0);
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(a, per), java.util.Arrays.copyOf(c, per)));
        }
    }

    /** The student owns a copy of the teacher's weights under "unet.", plus its projections. */
    @Test
    void parametersAreACopyUnderUnetPlusProjections() {
        VideoUNet teacher = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(3));
        GuidedStudent student = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(16, true), Rng.seed(5));
        var names = student.namedParameters().keySet();
        assertEquals(teacher.namedParameters().size() + 3, names.size());
        assertTrue(names.containsAll(List.of("unet.time_fc1.weight", "w_proj.weight", "lambda_proj.weight", "cond_proj.weight")));
        assertArrayEquals(new int[] {8, 16}, student.namedParameters().get("w_proj.weight").shape());
        assertArrayEquals(new int[] {8, 16}, student.namedParameters().get("cond_proj.weight").shape());
        Tensor tw = teacher.namedParameters().get("time_fc1.weight"), sw = student.namedParameters().get("unet.time_fc1.weight");
        assertNotSame(tw.storage(), sw.storage());
        assertArrayEquals(tw.doubles(), sw.doubles(), 0.0);
        GuidedStudent plain = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(16, false), Rng.seed(5));
        assertEquals(teacher.namedParameters().size() + 1, plain.namedParameters().size());
    }

    /** g = null is the old forward exactly; a wrong g shape or a lambda for a student without motion is one clear error. */
    @Test
    void extraEmbeddingIsBackwardCompatibleAndChecked() {
        VideoUNet net = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(3));
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 2, 3, 2, 4, 4);
        try (var s = Autograd.noGrad()) {
            assertArrayEquals(run(net.forward(x, T, Y)), run(net.forward(x, T, Y, null)), 0.0);
            assertArrayEquals(run(net.forward(x, T, Y)), run(net.forward(x, T, Y, Tensor.zeros(DType.FLOAT64, 2, 8))), 0.0);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, T, Y, Tensor.zeros(DType.FLOAT64, 2, 7)));
        assertTrue(e.getMessage().contains("[2, 8]"), e.getMessage());
        GuidedStudent plain = GuidedStudent.fromTeacher(net, new GuidedStudent.Config(16, false), Rng.seed(5));
        assertThrows(IllegalArgumentException.class, () -> plain.forward(x, T, Y, omega(), lambda()));
        assertThrows(IllegalArgumentException.class, () -> plain.denoiser(7.5, t -> 0));
    }

    /** Gradients reach the projections through the time embedding: float64 central differences along random directions. */
    @Test
    void projectionGradientsMatchFiniteDifferences() {
        VideoUNet teacher = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(3));
        GuidedStudent student = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(8, true), Rng.seed(5));
        double[] v = student.namedParameters().get("cond_proj.weight").doubles();
        for (int i = 0; i < v.length; i++) v[i] = 0.2 * Math.cos(i);
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 2, 3, 2, 4, 4);
        var p = student.namedParameters();
        GradCheck.checkDirectionInPlace(() -> student.forward(x, T, Y, omega(), lambda()), 4, 11, p.get("cond_proj.weight"), p.get("lambda_proj.weight"), p.get("w_proj.weight"));
    }
}
