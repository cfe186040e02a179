package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.NoiseSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stage table of SPEC §5.1 / §5.5: boundaries, corrected starts, frame counts, step budgets, model times. */
class PyramidStagesTest {
    static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    @Test
    void flowDefaultsMatchSpecWorkedNumbers() {
        PyramidStages st = PyramidConfig.flow().stages();
        assertEquals(3, st.count());
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 1}, PyramidConfig.flow().boundaries(), 1e-15);
        // SPEC §5.5: stage 3 runs 1 -> 2/3, stage 2 starts at 0.738796 and runs to 1/3, stage 1 starts at 0.414214.
        assertEquals(1, st.start(3), 0);
        assertEquals(2.0 / 3, st.end(3), 1e-15);
        assertEquals(0.738796, st.start(2), 1e-6);
        assertEquals(1.0 / 3, st.end(2), 1e-15);
        assertEquals(0.414214, st.start(1), 1e-6);
        assertEquals(0, st.end(1), 0);
        assertEquals(2.0 / 3, st.originalStart(2), 1e-15);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.2, 1.0 / 3, 0.5, 2.0 / 3, 0.9, 0.99})
    void flowCorrectedStartHalvesTheSnr(double end) {
        // Independent check of the closed form: SNR(s) = gamma_s / sigma_s must be SNR(e) / sqrt 2 (SPEC §5.5, eq. 21 with rho = -1).
        double s = new DiffusionForm.Flow().correctedStart(end);
        assertTrue(s > end && s < 1);
        assertEquals(((1 - end) / end) / Math.sqrt(2), (1 - s) / s, 1e-12 * (1 - end) / end);
    }

    @Test
    void vpUniformBoundariesAndCorrectedStarts() {
        PyramidConfig cfg = PyramidConfig.vp(VC2);
        assertArrayEquals(new double[] {-1, 332, 666, 999}, cfg.boundaries(), 0);
        PyramidStages st = cfg.stages();
        for (int k = 1; k < 3; k++) {
            int end = (int) st.end(k + 1), start = (int) st.start(k);
            // The first timestep whose SNR is at most half the end's: alpha_bar/(1 - alpha_bar).
            double half = snr(VC2.alphaBar(end)) / 2;
            assertTrue(snr(VC2.alphaBar(start)) <= half, "stage " + k + " start " + start + " not noisy enough");
            assertTrue(snr(VC2.alphaBar(start - 1)) > half, "stage " + k + " start " + start + " is not the first such timestep");
        }
        assertEquals(999, st.start(3), 0);
        assertEquals(-1, st.end(1), 0);
        assertEquals(1, st.gammaEnd(1), 0);
        assertEquals(0, st.sigmaEnd(1), 0);
    }

    private static double snr(double alphaBar) {
        return alphaBar / (1 - alphaBar);
    }

    @Test
    void framesPerStage() {
        PyramidStages st = PyramidConfig.flow().stages();
        assertEquals(4, st.frames(3, 16));
        assertEquals(8, st.frames(2, 16));
        assertEquals(16, st.frames(1, 16));
        assertEquals(2, st.frames(3, 8));
        assertArrayEquals(new int[] {2, 8, 3, 8, 8}, st.stageShape(new int[] {2, 16, 3, 8, 8}, 2));
        assertArrayEquals(new int[] {2, 3, 4, 8, 8}, PyramidConfig.flow().withFrameAxis(2).stages().stageShape(new int[] {2, 3, 16, 8, 8}, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.frames(1, 6));
        assertTrue(e.getMessage().contains("divisible by 4"), e.getMessage());
    }

    @Test
    void stepAllocation() {
        PyramidStages even = PyramidConfig.flow().stages();
        assertArrayEquals(new int[] {10, 10, 10}, even.allocation(30));
        assertEquals(10, even.steps(1, 30));
        PyramidStages fine = PyramidConfig.flow().withStepWeights(1, 1, 2).stages();
        // 30 * (1/4, 1/4, 1/2) = 7.5, 7.5, 15: the leftover step goes to the finer of the tied stages.
        assertArrayEquals(new int[] {7, 8, 15}, fine.allocation(30));
        assertEquals(15, fine.steps(1, 30));
        assertEquals(7, fine.steps(3, 30));
        for (int total = 4; total < 40; total++) {
            int sum = 0;
            for (int n : fine.allocation(total)) sum += n;
            assertEquals(total, sum);
        }
        assertArrayEquals(new int[] {1, 1, 1}, fine.allocation(3));
        assertThrows(IllegalArgumentException.class, () -> fine.allocation(2));
    }

    @Test
    void noRenoisingStartsAtTheOriginalBoundaries() {
        PyramidStages st = PyramidConfig.flow().withRenoising(PyramidConfig.Renoising.NONE).stages();
        assertEquals(2.0 / 3, st.start(2), 1e-15);
        assertEquals(1.0 / 3, st.start(1), 1e-15);
        Renoise.Jump j = st.jump(1);
        assertEquals(1, j.c(), 1e-15);
        assertEquals(0, j.alpha(), 0);
    }

    @Test
    void flowModelTimes() {
        PyramidStages st = PyramidConfig.flow().stages();
        assertEquals(1000 * 0.738796, st.flowModelTime(2, 1), 1e-3);
        assertEquals(1000.0 / 3, st.flowModelTime(2, 0), 1e-9);
        // STAGE_SHARE (PF-CODE): contiguous shares proportional to the stage lengths, stage 1 at 0, stage K at 1000.
        PyramidStages pf = PyramidConfig.flow().withGlobalTime(PyramidConfig.GlobalTime.STAGE_SHARE).stages();
        assertEquals(0, pf.flowModelTime(1, 0), 1e-12);
        assertEquals(1000, pf.flowModelTime(3, 1), 1e-9);
        double total = 0;
        for (int k = 1; k <= 3; k++) total += pf.start(k) - pf.end(k);
        for (int k = 1; k < 3; k++) assertEquals(pf.flowModelTime(k, 1), pf.flowModelTime(k + 1, 0), 1e-9);
        for (int k = 1; k <= 3; k++) {
            assertEquals(1000 * (pf.start(k) - pf.end(k)) / total, pf.flowModelTime(k, 1) - pf.flowModelTime(k, 0), 1e-9);
        }
    }

    @Test
    void customBoundariesAndStageCounts() {
        PyramidConfig four = PyramidConfig.flow().withUniformStages(4);
        assertEquals(4, four.stageCount());
        assertArrayEquals(new int[] {1, 1, 1, 1}, four.stepWeights());
        assertEquals(2, four.stages().frames(4, 16));
        PyramidConfig custom = PyramidConfig.flow().withBoundaries(0, 0.25, 0.5, 1);
        assertEquals(0.5, custom.stages().end(3), 0);
        assertEquals(new DiffusionForm.Flow().correctedStart(0.25), custom.stages().start(1), 0);
    }

    @Test
    void invalidConfigsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().withBoundaries(0, 0.5, 0.4, 1));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().withBoundaries(0.1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().withStepWeights(1, 1));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().withStepWeights(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.vp(VC2).withBoundaries(-1, 332.5, 999));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().withFrameAxis(0));
        assertThrows(IllegalArgumentException.class, () -> PyramidConfig.flow().stages().jump(3));
    }
}
