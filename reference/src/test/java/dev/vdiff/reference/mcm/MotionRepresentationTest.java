package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §4.6 item 1 and the identities of the motion representations (SPEC §4.2). */
class MotionRepresentationTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void learnedHeadIsExactlyTheIdentityAtInitialisation(long seed) {
        Rng rng = Rng.seed(seed);
        LearnedMotionHead head = new LearnedMotionHead(new LearnedMotionHead.Config(4, 16, 8), DType.FLOAT32, rng);
        Tensor x = rng.normal(DType.FLOAT32, 2, 4, 3, 5, 6);
        assertArrayEquals(x.floats(), head.apply(x).contiguous().floats(), 0f);
    }

    @Test
    void learnedHeadTrainsFromZeroAndItsGradientMatchesFiniteDifferences() {
        Rng rng = Rng.seed(4);
        LearnedMotionHead head = new LearnedMotionHead(new LearnedMotionHead.Config(2, 4, 2), DType.FLOAT64, rng);
        // move the zero-initialised output conv off zero so every parameter has a non-trivial gradient
        for (var p : head.namedParameters().values()) {
            double[] d = p.doubles();
            for (int i = 0; i < d.length; i++) d[i] += 0.3 * rng.nextDouble() - 0.15;
        }
        Tensor x = rng.normal(DType.FLOAT64, 1, 2, 2, 3, 2).requiresGrad(true);
        Tensor[] leaves = new Tensor[1 + head.parameters().size()];
        leaves[0] = x;
        for (int i = 0; i < head.parameters().size(); i++) leaves[i + 1] = head.parameters().get(i);
        GradCheck.checkInPlace(() -> head.apply(x), leaves);
    }

    @ParameterizedTest
    @CsvSource({"4,6,6", "5,3,7", "3,5,5", "2,4,3", "1,1,1"})
    void lowPlusHighIsTheInput(int f, int h, int w) {
        Tensor x = Rng.seed(f * 100 + h * 10 + w).normal(DType.FLOAT64, 2, 3, f, h, w);
        Tensor lo = MotionRepresentation.FREQ_LOW.apply(x, ButterworthFilter.MCM), hi = MotionRepresentation.FREQ_HIGH.apply(x, ButterworthFilter.MCM);
        double[] a = lo.contiguous().doubles(), b = hi.contiguous().doubles(), v = x.doubles();
        for (int i = 0; i < v.length; i++) assertEquals(v[i], a[i] + b[i], 1e-12, "element " + i);
        // and the split is not trivial: both parts carry energy
        double ea = 0, eb = 0;
        for (int i = 0; i < v.length; i++) { ea += a[i] * a[i]; eb += b[i] * b[i]; }
        if (f * h * w > 1) assertTrue(ea > 1e-3 && eb > 1e-3, "low " + ea + ", high " + eb);
    }

    @Test
    void constantVideoIsAllLowFrequency() {
        Tensor x = Tensor.full(DType.FLOAT64, 1.5, 1, 2, 4, 6, 6);
        Tensor lo = MotionRepresentation.FREQ_LOW.apply(x, ButterworthFilter.MCM);
        for (double v : lo.contiguous().doubles()) assertEquals(1.5, v, 1e-12);   // the DC bin sits at d = 0: mask 1
    }

    @Test
    void diffHasOneFrameFewerAndIsTheFrameDifference() {
        Tensor x = Rng.seed(9).normal(DType.FLOAT64, 2, 3, 5, 2, 2);
        Tensor d = MotionRepresentation.DIFF.apply(x, ButterworthFilter.MCM);
        assertArrayEquals(new int[] {2, 3, 4, 2, 2}, d.shape());
        for (int b = 0; b < 2; b++) for (int c = 0; c < 3; c++) for (int f = 0; f < 4; f++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
            assertEquals(x.get(b, c, f + 1, i, j) - x.get(b, c, f, i, j), d.get(b, c, f, i, j), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> MotionRepresentation.DIFF.apply(Tensor.zeros(DType.FLOAT64, 1, 1, 1, 2, 2), ButterworthFilter.MCM));
        assertEquals(MotionRepresentation.FREQ_LOW, MotionRepresentation.parse("freql"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MotionRepresentation.parse("lcor")).getMessage().contains("choose"));
    }
}
