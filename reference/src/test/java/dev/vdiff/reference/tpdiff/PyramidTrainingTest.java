package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.diffusion.pyramid.TemporalResampling;
import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training examples of SPEC §5.3-5.4 / §5.5c: grouping, shapes, times, targets, alignment, loss. */
class PyramidTrainingTest {
    static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    static Tensor clip(long seed, int batch, int frames) {
        return Rng.seed(seed).normal(DType.FLOAT32, batch, frames, 2, 4, 4);
    }

    @ParameterizedTest
    @EnumSource(PredictionType.class)
    void groupsPartitionTheBatchWithStageShapes(PredictionType type) {
        for (PyramidConfig cfg : List.of(PyramidConfig.flow(), PyramidConfig.vp(VC2))) {
            PyramidTraining training = new PyramidTraining(cfg, type);
            Tensor x0 = clip(1, 9, 8), eps = clip(2, 9, 8);
            List<PyramidTraining.Group> groups = training.examples(x0, eps, Rng.seed(3));
            boolean[] seen = new boolean[9];
            int lastStage = Integer.MAX_VALUE;
            for (PyramidTraining.Group g : groups) {
                assertTrue(g.stage() < lastStage, "groups go from stage K down");
                lastStage = g.stage();
                int frames = 8 >> (g.stage() - 1);
                assertArrayEquals(new int[] {g.size(), frames, 2, 4, 4}, g.input().shape());
                assertArrayEquals(g.input().shape(), g.target().shape());
                assertEquals(DType.FLOAT32, g.input().dtype());
                assertEquals(cfg.form().discrete() ? DType.INT64 : DType.FLOAT32, g.modelTime().dtype());
                assertArrayEquals(new int[] {g.size()}, g.modelTime().shape());
                PyramidStages st = training.stages();
                for (int i = 0; i < g.size(); i++) {
                    assertTrue(!seen[g.indices()[i]], "index used twice");
                    seen[g.indices()[i]] = true;
                    double t = g.times()[i];
                    assertTrue(t > st.end(g.stage()) && t <= st.start(g.stage()), "time " + t + " outside stage " + g.stage());
                    if (cfg.form().discrete()) assertEquals(t, g.modelTime().get(i), 0);
                    else assertEquals(1000 * t, g.modelTime().get(i), 1e-3);
                }
            }
            for (boolean s : seen) assertTrue(s, "every example is in a group");
        }
    }

    @Test
    void flowExampleByHand() {
        // B = 1, K = 2, F = 4, no alignment, subsampled noise: input = (1 - t') x̂_e + t' x̂_s, target = x̂_s - x̂_e (eqs. 12-13).
        PyramidConfig cfg = PyramidConfig.flow().withUniformStages(2).withNoiseDownsampling(Downsampling.SUBSAMPLE)
            .withAlignment(NoiseAlignment.Mode.OFF);
        PyramidTraining training = new PyramidTraining(cfg, PredictionType.EPSILON);
        Tensor x0 = Rng.seed(4).normal(DType.FLOAT64, 1, 4, 3), eps = Rng.seed(5).normal(DType.FLOAT64, 1, 4, 3);
        for (int k = 1; k <= 2; k++) {
            double u = 0.3;
            PyramidTraining.Group g = training.group(k, new int[] {0}, x0, eps, new double[] {u});
            PyramidStages st = training.stages();
            double local = 1 - u, ge = st.gammaEnd(k), se = st.sigmaEnd(k), gs = st.gammaStart(k), ss = st.sigmaStart(k);
            for (int f = 0; f < (k == 1 ? 4 : 2); f++) for (int c = 0; c < 3; c++) {
                int fe = f << (k - 1);                               // D_{k-1}: frame f of stage k is full-rate frame f 2^{k-1}
                int fs = k == 2 ? fe : (f / 2) * 2;                  // stage K: its own frames; else U(D_k): frames 0, 0, 2, 2
                double xe = ge * x0.get(0, fe, c) + se * eps.get(0, fe, c);
                double xs = gs * x0.get(0, fs, c) + ss * eps.get(0, fe, c);
                assertEquals((1 - local) * xe + local * xs, g.input().get(0, f, c), 1e-12);
                assertEquals(xs - xe, g.target().get(0, f, c), 1e-12);
            }
            assertEquals(st.end(k) + local * (st.start(k) - st.end(k)), g.times()[0], 1e-15);
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionType.class)
    void vpTargetsAreConsistentWithDdim(PredictionType type) {
        // The network input/target pair is a point of the stage path: one deterministic DDIM step from (input, target)
        // at t lands on the stage end x̂_e built independently from eq. 8 (SPEC §1.3 + §5.3).
        PyramidConfig cfg = PyramidConfig.vp(VC2).withAlignment(NoiseAlignment.Mode.OFF);
        PyramidTraining training = new PyramidTraining(cfg, type);
        PyramidStages st = training.stages();
        Tensor x0 = Rng.seed(6).normal(DType.FLOAT64, 3, 8, 2), eps = Rng.seed(7).normal(DType.FLOAT64, 3, 8, 2);
        for (int k = 1; k <= 3; k++) {
            PyramidTraining.Group g = training.group(k, new int[] {0, 1, 2}, x0, eps, new double[] {0.0, 0.5, 0.999});
            Tensor epsK = TemporalResampling.down(eps, 1, 1 << (k - 1), Downsampling.AVERAGE_SCALED);
            Tensor meanE = TemporalResampling.down(x0, 1, 1 << (k - 1), Downsampling.SUBSAMPLE);
            Tensor xe = Arithmetic.add(Arithmetic.mul(meanE, st.gammaEnd(k)), Arithmetic.mul(epsK, st.sigmaEnd(k)));
            DdimStep ddim = new DdimStep(VC2, type, 0);
            for (int i = 0; i < 3; i++) {
                int t = (int) g.times()[i];
                assertTrue(t > st.end(k) && t <= st.start(k));
                Tensor landed = ddim.step(g.input().narrow(0, i, 1), g.target().narrow(0, i, 1), t, (int) st.end(k)).prevSample();
                Close.assertClose(landed, xe.narrow(0, i, 1).contiguous(), 1e-9, 1e-9);
            }
            assertEquals(st.start(k), g.times()[2], 0, "u close to 1 reaches the stage start");
            assertEquals(st.end(k) + 1, g.times()[0], 0, "u = 0 gives the first timestep above the end");
        }
    }

    @Test
    void trainingUsesTheAlignedNoise() {
        // K = 1 flow: input = (1 - t') x0 + t' eps', so eps' = (input - (1 - t') x0) / t' must be align(x0, eps).
        PyramidConfig cfg = PyramidConfig.flow().withUniformStages(1);
        PyramidTraining training = new PyramidTraining(cfg, PredictionType.EPSILON);
        int b = 6;
        double[] offsets = new double[b * 4];
        for (int i = 0; i < offsets.length; i++) offsets[i] = 3.0 * ((i / 4) % 3) - 3;
        Tensor x0 = Tensor.of(offsets, b, 4, 1);
        Tensor eps = Rng.seed(8).normal(DType.FLOAT64, b, 4, 1);
        List<PyramidTraining.Group> groups = training.examples(x0, eps, Rng.seed(9));
        assertEquals(1, groups.size());
        PyramidTraining.Group g = groups.get(0);
        Tensor aligned = NoiseAlignment.align(x0, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT);
        for (int i = 0; i < b; i++) {
            double t = g.times()[i];
            for (int f = 0; f < 4; f++) {
                double used = (g.input().get(i, f, 0) - (1 - t) * x0.get(i, f, 0)) / t;
                assertEquals(aligned.get(i, f, 0), used, 1e-9);
            }
        }
    }

    @Test
    void stageSampling() {
        PyramidTraining uniform = new PyramidTraining(PyramidConfig.flow(), PredictionType.EPSILON);
        int n = 30_000;
        int[] counts = new int[4];
        for (int k : uniform.sampleStages(Rng.seed(10), n)) counts[k]++;
        double se = Math.sqrt(n * (1.0 / 3) * (2.0 / 3));
        for (int k = 1; k <= 3; k++) assertEquals(n / 3.0, counts[k], 5 * se, "stage " + k);
        PyramidTraining split = new PyramidTraining(PyramidConfig.flow().withStageSampling(PyramidConfig.StageSampling.EQUAL_SPLIT), PredictionType.EPSILON);
        assertArrayEquals(new int[] {3, 3, 2, 2, 1, 1, 1}, split.sampleStages(null, 7));
        assertArrayEquals(new int[] {3, 2, 1}, split.sampleStages(null, 3));
    }

    @Test
    void sameSeedSameExamples() {
        PyramidTraining training = new PyramidTraining(PyramidConfig.flow(), PredictionType.EPSILON);
        Tensor x0 = clip(11, 5, 8), eps = clip(12, 5, 8);
        List<PyramidTraining.Group> a = training.examples(x0, eps, Rng.seed(13)), b = training.examples(x0, eps, Rng.seed(13));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            Close.assertClose(a.get(i).input(), b.get(i).input(), 0, 0);
            Close.assertClose(a.get(i).target(), b.get(i).target(), 0, 0);
        }
    }

    @Test
    void lossIsTheMeanOverExamples() {
        // With a zero prediction each example contributes the mean of its target's squares; the loss averages them.
        PyramidTraining training = new PyramidTraining(PyramidConfig.flow(), PredictionType.EPSILON);
        Tensor x0 = clip(14, 6, 8).to(DType.FLOAT64), eps = clip(15, 6, 8).to(DType.FLOAT64);
        List<PyramidTraining.Group> groups = training.examples(x0, eps, Rng.seed(16));
        double expected = 0;
        for (PyramidTraining.Group g : groups) {
            int per = g.target().numel() / g.size();
            double[] t = g.target().contiguous().doubles();
            for (int i = 0; i < g.size(); i++) {
                double s = 0;
                for (int j = 0; j < per; j++) s += t[i * per + j] * t[i * per + j];
                expected += s / per / 6;
            }
        }
        Tensor w = Tensor.scalar(DType.FLOAT64, 0.0).requiresGrad(true);
        Tensor loss = PyramidTraining.loss(groups, 6, g -> Arithmetic.mul(g.input(), w));
        assertEquals(expected, loss.item(), 1e-12 * expected);
        loss.backward();
        assertNotNull(w.grad());
        assertThrows(IllegalArgumentException.class, () -> PyramidTraining.loss(groups, 7, g -> g.target()));
    }

    @Test
    void badInputsAreRejected() {
        PyramidTraining training = new PyramidTraining(PyramidConfig.flow(), PredictionType.EPSILON);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> training.examples(clip(1, 2, 6), clip(2, 2, 6), Rng.seed(1)));
        assertTrue(e.getMessage().contains("divisible by 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> training.examples(clip(1, 2, 8), clip(2, 3, 8), Rng.seed(1)));
    }
}
