package dev.vdiff.diffusion;

import dev.vdiff.diffusion.ClassifierFreeGuidance.Convention;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.4: the two guidance conventions, their relation, and the two-pass wrapper. */
class ClassifierFreeGuidanceTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();
    private static final Tensor LABELS = Tensor.ofLongs(new long[] {3, 7}, 2), NULLS = Tensor.ofLongs(new long[] {10, 10}, 2);

    /** A network whose output depends on x, t and the label. */
    private static Tensor net(Tensor x, Tensor t, Tensor cond) {
        double[] v = x.toDoubleArray().clone();
        int per = v.length / x.shape(0);
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(v[i]) + 1e-3 * t.longs()[i / per] + (cond == null ? 0 : 0.1 * cond.longs()[i / per]);
        return Tensor.of(v, x.shape()).to(x.dtype());
    }

    @Test
    void handValues() {
        Tensor c = Tensor.of(new double[] {1, 2}, 2), u = Tensor.of(new double[] {0.5, 1}, 2);
        // Imagen 7.5: 0.5 + 7.5 * 0.5 = 4.25, 1 + 7.5 * 1 = 8.5; LCM w = 6.5: 1 + 6.5 * 0.5 = 4.25, 2 + 6.5 * 1 = 8.5.
        assertArrayEquals(new double[] {4.25, 8.5}, ClassifierFreeGuidance.imagen(c, u, 7.5).doubles());
        assertArrayEquals(new double[] {4.25, 8.5}, ClassifierFreeGuidance.lcm(c, u, 6.5).doubles());
        assertArrayEquals(new double[] {1, 2}, ClassifierFreeGuidance.imagen(c, u, 1).doubles());
        assertArrayEquals(new double[] {1, 2}, ClassifierFreeGuidance.lcm(c, u, 0).doubles());
    }

    @ParameterizedTest
    @EnumSource(Convention.class)
    void aConditionEqualToTheNullConditionGivesThePlainPredictionExactly(Convention convention) {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = Samples.normal(1, 2, 3, 4).to(dtype), t = Tensor.ofLongs(new long[] {500, 500}, 2);
            Denoiser plain = Denoiser.of(PredictionType.EPSILON, ClassifierFreeGuidanceTest::net);
            Denoiser guided = ClassifierFreeGuidance.guide(plain, NULLS, convention, 7.5);
            Close.assertClose(guided.predict(x, t, NULLS), plain.predict(x, t, NULLS), 0, 0);
            assertSame(PredictionType.EPSILON, guided.predictionType());
        }
    }

    @Test
    void lcmScaleWIsImagenScaleOnePlusW() {
        Tensor c = Samples.normal(2, 2, 3, 4), u = Samples.normal(3, 2, 3, 4);
        for (double w : new double[] {0, 1, 5, 14.5}) {
            Close.assertClose(ClassifierFreeGuidance.lcm(c, u, w), ClassifierFreeGuidance.imagen(c, u, 1 + w), 1e-12, 1e-12);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PredictionType.class, names = {"EPSILON", "V_PREDICTION"})
    void guidingTheOutputEqualsGuidingX0AndEpsSeparately(PredictionType type) {
        // SPEC §1.4 states the LCM form on x0_hat and eps_hat; the conversions are affine in the output with weights
        // summing to 1, so guiding the raw output first is the same.
        int t = 759;
        double a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t), w = 6.0;
        Tensor z = Samples.normal(4, 2, 3, 4), outC = Samples.normal(5, 2, 3, 4), outU = Samples.normal(6, 2, 3, 4);
        Tensor guided = ClassifierFreeGuidance.lcm(outC, outU, w);
        Tensor x0Separately = ClassifierFreeGuidance.lcm(Parameterization.x0(type, z, outC, a, s), Parameterization.x0(type, z, outU, a, s), w);
        Tensor epsSeparately = ClassifierFreeGuidance.lcm(Parameterization.epsilon(type, z, outC, a, s), Parameterization.epsilon(type, z, outU, a, s), w);
        Close.assertClose(Parameterization.x0(type, z, guided, a, s), x0Separately, 1e-12, 1e-10);
        Close.assertClose(Parameterization.epsilon(type, z, guided, a, s), epsSeparately, 1e-12, 1e-10);
    }

    @Test
    void theWrapperMakesTwoSeparatePassesConditionalFirst() {
        List<Tensor> conds = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        Denoiser model = Denoiser.of(PredictionType.V_PREDICTION, (x, t, c) -> {
            conds.add(c);
            shapes.add(x.shape());
            return net(x, t, c);
        });
        Tensor x = Samples.normal(7, 2, 5), t = Tensor.ofLongs(new long[] {10, 20}, 2);
        Tensor got = ClassifierFreeGuidance.guide(model, NULLS, Convention.IMAGEN, 3.0).predict(x, t, LABELS);
        assertEquals(2, conds.size());
        assertSame(LABELS, conds.get(0));
        assertSame(NULLS, conds.get(1));
        for (int[] shape : shapes) assertArrayEquals(new int[] {2, 5}, shape);
        Close.assertClose(got, ClassifierFreeGuidance.imagen(net(x, t, LABELS), net(x, t, NULLS), 3.0), 0, 0);

        VelocityModel flow = (xx, tt, c) -> Arithmetic.mul(xx, c == null ? 1.0 : 2.0);
        Tensor v = ClassifierFreeGuidance.guide(flow, null, Convention.LCM, 0.5).velocity(x, Tensor.full(DType.FLOAT64, 500, 2), LABELS);
        Close.assertClose(v, Arithmetic.mul(x, 2 + 0.5 * (2 - 1)), 1e-15, 0);   // 2x + 0.5 (2x - x)
    }

    @Test
    void combinationsAreDifferentiable() {
        Tensor c = Samples.normal(8, 2, 3).requiresGrad(true), u = Samples.normal(9, 2, 3).requiresGrad(true);
        GradCheck.check(x -> ClassifierFreeGuidance.imagen(x[0], x[1], 7.5), c, u);
        GradCheck.check(x -> ClassifierFreeGuidance.lcm(x[0], x[1], 6.5), c, u);
    }

    @Test
    void mismatchedPredictionsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.imagen(Samples.normal(1, 2, 3), Samples.normal(1, 3, 2), 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.guide(Denoiser.of(PredictionType.EPSILON, (x, t, c) -> x), NULLS, Convention.LCM, Double.NaN));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    /** Guidance rescale (Lin et al. 2024, Algorithm 2) against a hand computation of each sample's standard deviations. */
    @Test
    void guidanceRescaleMatchesTheStdRatioFormula() {
        dev.vdiff.tensor.random.Rng r = dev.vdiff.tensor.random.Rng.seed(5);
        Tensor cond = r.normal(dev.vdiff.tensor.DType.FLOAT64, 2, 3, 4), guided = dev.vdiff.tensor.ops.Arithmetic.mul(r.normal(dev.vdiff.tensor.DType.FLOAT64, 2, 3, 4), 3.0);
        double phi = 0.7;
        Tensor out = ClassifierFreeGuidance.rescale(guided, cond, phi);
        double[] g = guided.toDoubleArray(), c = cond.toDoubleArray(), o = out.toDoubleArray();
        for (int b = 0; b < 2; b++) {
            double ratio = sampleStd(c, b * 12, 12) / sampleStd(g, b * 12, 12);   // torch.std (n - 1) as in the paper's listing
            for (int j = 0; j < 12; j++) {
                double want = phi * ratio * g[b * 12 + j] + (1 - phi) * g[b * 12 + j];
                org.junit.jupiter.api.Assertions.assertEquals(want, o[b * 12 + j], 1e-12);
            }
        }
        org.junit.jupiter.api.Assertions.assertSame(guided, ClassifierFreeGuidance.rescale(guided, cond, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.rescale(guided, cond, 1.5));
    }

    private static double sampleStd(double[] v, int from, int n) {
        double m = 0, s = 0;
        for (int i = 0; i < n; i++) m += v[from + i] / n;
        for (int i = 0; i < n; i++) s += (v[from + i] - m) * (v[from + i] - m);
        return Math.sqrt(s / (n - 1));
    }
}
