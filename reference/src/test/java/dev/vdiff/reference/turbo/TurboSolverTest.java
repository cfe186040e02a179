package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §3.5 items 4 and 5 on the augmented solver of a tiny teacher. */
class TurboSolverTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    /** SPEC §3.5 item 4 at the paper's sizes: for n < (1 - tau) N = 100 the gate is closed; from 100 on it is open. */
    @Test
    void gatingAtThePapersSizes() {
        AugmentedSolver.Config c = AugmentedSolver.Config.t2vTurboV2();
        for (int n = 0; n < 200; n++) assertEquals(n >= 100, c.motionAt(n), "n = " + n);
        assertFalse(c.withoutMotion().motionAt(199));
    }

    /**
     * SPEC §3.5 item 4 on real steps: clips with n < (1 - tau) N, or flagged as having poor motion, get lambda = 0
     * (the value fed to the student's lambda embedding) and exactly the z_prev of a solver without motion guidance;
     * the others get lambda = 0.05 and a different z_prev.
     */
    @Test
    void motionTermAndLambdaInputAreZeroBelowTheGate() {
        FrozenTeacher teacher = new FrozenTeacher(TurboFixtures.teacher(DType.FLOAT64, 1));
        AugmentedSolver.Config with = new AugmentedSolver.Config(20, 5, 15, 0.05, 0.5, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        boolean[] flags = {true, true, true, true, true, false};
        MotionGate gate = clips -> flags.clone();
        AugmentedSolver motion = new AugmentedSolver(teacher, VC2, with, new MotionScore.Config(name -> name.startsWith("dec"), 5), gate);
        AugmentedSolver plain = new AugmentedSolver(teacher, VC2, with.withoutMotion(), null, null);
        Tensor x0 = Rng.seed(2).normal(DType.FLOAT64, 6, 4, 3, 8, 8);
        Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 0, 1, 2}, 6);
        AugmentedSolver.Sample a = motion.sample(x0, y, Rng.seed(77));
        AugmentedSolver.Sample b = plain.sample(x0, y, Rng.seed(77));
        assertArrayEquals(a.n(), b.n());   // the same draws: motion guidance consumes no random numbers
        int per = x0.numel() / 6, on = 0, off = 0;
        double[] za = a.zPrev().contiguous().doubles(), zb = b.zPrev().contiguous().doubles(), lam = a.lambda().toDoubleArray();
        for (int i = 0; i < 6; i++) {
            boolean gated = flags[i] && a.n()[i] >= 10;
            assertEquals(gated ? 0.05 : 0.0, lam[i], 0.0, "clip " + i + " n = " + a.n()[i]);
            double[] ra = Arrays.copyOfRange(za, i * per, (i + 1) * per), rb = Arrays.copyOfRange(zb, i * per, (i + 1) * per);
            if (gated) {
                on++;
                assertFalse(Arrays.equals(ra, rb), "clip " + i);
            } else {
                off++;
                assertArrayEquals(rb, ra, 0.0, "clip " + i);
            }
        }
        assertTrue(on > 0 && off > 1, "the seed should give both kinds of clips: " + Arrays.toString(a.n()));
        assertArrayEquals(new double[6], b.lambda().toDoubleArray(), 0.0);
    }

    /** SPEC §3.5 item 5: omega ~ U[5, 15] never leaves the interval; t_e = max(t_s - 5, 0) on the 200-grid. */
    @Test
    void omegaDrawsStayInTheRangeAndTimesFollowTheGrid() {
        FrozenTeacher teacher = new FrozenTeacher(TurboFixtures.teacher(DType.FLOAT32, 3));
        AugmentedSolver solver = new AugmentedSolver(teacher, VC2, AugmentedSolver.Config.t2vTurboV2().withoutMotion(), null, null);
        Tensor x0 = Rng.seed(4).normal(DType.FLOAT32, 20, 4, 3, 8, 8);
        long[] labels = new long[20];
        double min = 99, max = -1;
        for (int r = 0; r < 3; r++) {
            AugmentedSolver.Sample s = solver.sample(x0, Tensor.ofLongs(labels, 20), Rng.seed(100 + r));
            long[] ts = s.tS().longs(), te = s.tE().longs();
            for (int i = 0; i < 20; i++) {
                double w = s.omega().toDoubleArray()[i];
                min = Math.min(min, w);
                max = Math.max(max, w);
                assertEquals(5 * s.n()[i] + 4, ts[i]);
                assertEquals(Math.max(ts[i] - 5, 0), te[i]);
            }
        }
        assertTrue(min >= 5 && max <= 15, "omega in [" + min + ", " + max + "]");
        assertTrue(min < 6 && max > 14, "60 draws should come near both ends: [" + min + ", " + max + "]");
    }
}
