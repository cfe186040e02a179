package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stage end points and paths, SPEC §5.2-5.3 and §5.8 items 1-2, against hand-built tensors and the printed equations. */
class StagePathTest {
    static final double RTOL = 1e-12, ATOL = 1e-12;

    static Stream<Arguments> stages() {
        PyramidStages flow = PyramidConfig.flow().stages();
        PyramidStages vp = PyramidConfig.vp(NoiseSchedule.videoCrafter2()).stages();
        return Stream.of(Arguments.of("flow", flow, 1), Arguments.of("flow", flow, 2), Arguments.of("flow", flow, 3),
            Arguments.of("vp", vp, 1), Arguments.of("vp", vp, 2), Arguments.of("vp", vp, 3));
    }

    /** The VP stages only: the ones a DDIM step (SPEC §1.3, a discrete VP schedule) applies to. */
    static Stream<Arguments> vpStages() {
        PyramidStages vp = PyramidConfig.vp(NoiseSchedule.videoCrafter2()).stages();
        return Stream.of(Arguments.of("vp", vp, 1), Arguments.of("vp", vp, 2), Arguments.of("vp", vp, 3));
    }

    /** End points of stage k for a random [2, 8, 3, 2, 2] clip and stage noise. */
    static StagePath.Endpoints endpoints(PyramidStages st, int k, long seed) {
        Tensor x0 = Rng.seed(seed).normal(DType.FLOAT64, 2, 8, 3, 2, 2);
        Tensor eps = Rng.seed(seed + 1).normal(DType.FLOAT64, 2, 8, 3, 2, 2);
        return StagePath.endpoints(st, k, x0, StagePath.stageNoise(st, k, eps));
    }

    @ParameterizedTest(name = "{0} stage {2}")
    @MethodSource("stages")
    void eq10PassesThroughBothEndPoints(String name, PyramidStages st, int k) {
        // SPEC §5.8 item 1: eq. 10 at t = s_k is x̂_s and at t = e_k is x̂_e.
        StagePath.Endpoints p = endpoints(st, k, 10 + k);
        Tensor eps = StagePath.stageEpsilon(st, k, p), d = StagePath.stageX0(st, k, p);
        double gs = st.gammaStart(k), ss = st.sigmaStart(k), ge = st.gammaEnd(k), se = st.sigmaEnd(k);
        Close.assertClose(StagePath.ddimPoint(d, eps, new double[] {gs, gs}, new double[] {ss, ss}), p.start(), RTOL, ATOL);
        Close.assertClose(StagePath.ddimPoint(d, eps, new double[] {ge, ge}, new double[] {se, se}), p.end(), RTOL, ATOL);
    }

    @ParameterizedTest(name = "{0} stage {2}")
    @MethodSource("stages")
    void eq10And11AsPrinted(String name, PyramidStages st, int k) {
        // The 2x2-solve form against TPDiff's printed eqs. 10-11, wherever those are finite (gamma_s > 0).
        StagePath.Endpoints p = endpoints(st, k, 20 + k);
        double gs = st.gammaStart(k), ss = st.sigmaStart(k), ge = st.gammaEnd(k), se = st.sigmaEnd(k);
        Tensor eps = StagePath.stageEpsilon(st, k, p);
        if (gs == 0) {
            // Flow stage K starts at pure noise: eps_K = x̂_s / sigma_s = x̂_s.
            Close.assertClose(eps, Arithmetic.mul(p.start(), 1 / ss), RTOL, ATOL);
            return;
        }
        // eq. 11: eps_k = (x̂_e/gamma_e - x̂_s/gamma_s) / (sigma_e/gamma_e - sigma_s/gamma_s)
        Tensor printed11 = Arithmetic.mul(Arithmetic.sub(Arithmetic.mul(p.end(), 1 / ge), Arithmetic.mul(p.start(), 1 / gs)), 1 / (se / ge - ss / gs));
        Close.assertClose(eps, printed11, 1e-10, 1e-10);
        // eq. 10 at an interior time: x_t = (gamma_t/gamma_s) x̂_s + gamma_t eps_k (sigma_t/gamma_t - sigma_s/gamma_s)
        double t = st.form().discrete() ? Math.round((st.start(k) + st.end(k)) / 2) : (st.start(k) + st.end(k)) / 2;
        double gt = st.form().gamma(t), sgt = st.form().sigma(t);
        Tensor printed10 = Arithmetic.add(Arithmetic.mul(p.start(), gt / gs), Arithmetic.mul(eps, gt * (sgt / gt - ss / gs)));
        Close.assertClose(StagePath.ddimPoint(StagePath.stageX0(st, k, p), eps, new double[] {gt, gt}, new double[] {sgt, sgt}), printed10, 1e-10, 1e-10);
    }

    @ParameterizedTest(name = "{0} stage {2}")
    @MethodSource("vpStages")
    void oneDdimStepWithTheStageNoiseLandsOnTheEnd(String name, PyramidStages st, int k) {
        // Eq. 10 is a DDIM step with constant eps_k (SPEC §1.3): the project's DdimStep from s_k must reach x̂_e.
        DiffusionForm.Vp vp = assertInstanceOf(DiffusionForm.Vp.class, st.form());
        StagePath.Endpoints p = endpoints(st, k, 30 + k);
        Tensor eps = StagePath.stageEpsilon(st, k, p);
        DdimStep ddim = new DdimStep(vp.schedule(), PredictionType.EPSILON, 0);
        Tensor landed = ddim.step(p.start(), eps, (int) st.start(k), (int) st.end(k)).prevSample();
        Close.assertClose(landed, p.end(), 1e-10, 1e-10);
    }

    @ParameterizedTest(name = "stage {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void flowStagePathEndsAndVelocity(int k) {
        // SPEC §5.8 item 2: t' = 0 gives x̂_e, t' = 1 gives x̂_s, and d x / d t' (central difference) is v_k.
        PyramidStages st = PyramidConfig.flow().stages();
        StagePath.Endpoints p = endpoints(st, k, 40 + k);
        Close.assertClose(StagePath.flowPoint(p, new double[] {0, 0}), p.end(), 0, 0);
        Close.assertClose(StagePath.flowPoint(p, new double[] {1, 1}), p.start(), 0, 0);
        double t = 0.37, h = 1e-5;
        Tensor diff = Arithmetic.mul(Arithmetic.sub(StagePath.flowPoint(p, new double[] {t + h, t + h}), StagePath.flowPoint(p, new double[] {t - h, t - h})), 1 / (2 * h));
        Close.assertClose(diff, StagePath.flowTarget(p), 1e-6, 1e-8);
        // For flow matching (gamma linear in t) eq. 12's straight line is eq. 10's path at the same time.
        double time = st.time(k, t);
        Tensor viaEq10 = StagePath.ddimPoint(StagePath.stageX0(st, k, p), StagePath.stageEpsilon(st, k, p), new double[] {1 - time, 1 - time}, new double[] {time, time});
        Close.assertClose(StagePath.flowPoint(p, new double[] {t, t}), viaEq10, 1e-10, 1e-10);
    }

    @Test
    void endPointsByHand() {
        // F = 8, stage 2, subsampled data: end = gamma_e x0[frames 0,2,4,6] + sigma_e eps_2,
        // start = gamma_s x0[frames 0,0,4,4] + sigma_s eps_2 (D_2 keeps 0, 4; U duplicates) — SPEC §5.2 with the index fix.
        PyramidStages st = PyramidConfig.flow().withNoiseDownsampling(Downsampling.SUBSAMPLE).stages();
        Tensor x0 = Rng.seed(1).normal(DType.FLOAT64, 1, 8, 2);
        Tensor eps = Rng.seed(2).normal(DType.FLOAT64, 1, 8, 2);
        Tensor eps2 = StagePath.stageNoise(st, 2, eps);
        assertArrayEquals(new int[] {1, 4, 2}, eps2.shape());
        StagePath.Endpoints p = StagePath.endpoints(st, 2, x0, eps2);
        double ge = st.gammaEnd(2), se = st.sigmaEnd(2), gs = st.gammaStart(2), ss = st.sigmaStart(2);
        int[] startFrame = {0, 0, 4, 4};
        for (int f = 0; f < 4; f++) for (int c = 0; c < 2; c++) {
            assertEquals(eps.get(0, 2 * f, c), eps2.get(0, f, c), 0);
            assertEquals(ge * x0.get(0, 2 * f, c) + se * eps.get(0, 2 * f, c), p.end().get(0, f, c), 1e-15);
            assertEquals(gs * x0.get(0, startFrame[f], c) + ss * eps.get(0, 2 * f, c), p.start().get(0, f, c), 1e-15);
        }
        // Stage 1 ends at the clean full-rate clip; flow stage 3 starts at pure noise.
        Close.assertClose(StagePath.endpoints(st, 1, x0, StagePath.stageNoise(st, 1, eps)).end(), x0, 0, 0);
        Tensor eps3 = StagePath.stageNoise(st, 3, eps);
        Close.assertClose(StagePath.endpoints(st, 3, x0, eps3).start(), eps3, 0, 0);
    }

    @Test
    void stageNoiseDefaultIsTheScaledPairAverage() {
        PyramidStages st = PyramidConfig.flow().stages();
        Tensor eps = Rng.seed(3).normal(DType.FLOAT64, 1, 8, 1);
        Tensor eps3 = StagePath.stageNoise(st, 3, eps);   // 4 frames per block: mean times sqrt 4
        for (int f = 0; f < 2; f++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) sum += eps.get(0, 4 * f + j, 0);
            assertEquals(2 * sum / 4, eps3.get(0, f, 0), 1e-15);
        }
    }

    @Test
    void wrongStageNoiseShapeIsRejected() {
        PyramidStages st = PyramidConfig.flow().stages();
        Tensor x0 = Tensor.zeros(DType.FLOAT64, 1, 8, 2);
        // Stage 2 runs at half the frame rate: its noise is [1, 4, 2]; the full-rate shape is refused by name.
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
            () -> StagePath.endpoints(st, 2, x0, Tensor.zeros(DType.FLOAT64, 1, 8, 2)));
        assertEquals("StagePath: stage 2 noise [1, 8, 2] must have the stage's shape [1, 4, 2]", shape.getMessage());
        assertDoesNotThrow(() -> StagePath.endpoints(st, 2, x0, Tensor.zeros(DType.FLOAT64, 1, 4, 2)));
        IllegalArgumentException position = assertThrows(IllegalArgumentException.class,
            () -> StagePath.flowPoint(new StagePath.Endpoints(x0, x0), new double[] {1.5}));
        assertEquals("StagePath.flowPoint: position 1.5 is outside [0, 1]", position.getMessage());
    }
}
