package dev.vdiff.diffusion.pyramid;

import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temporal Down/Up of SPEC §5.2 against element-wise hand computations. */
class TemporalResamplingTest {
    /** x[b, f, c] = 100 b + 10 f + c: every element names its own position. */
    private static Tensor labelled(int batch, int frames, int channels) {
        double[] v = new double[batch * frames * channels];
        for (int b = 0; b < batch; b++) for (int f = 0; f < frames; f++) for (int c = 0; c < channels; c++) v[(b * frames + f) * channels + c] = 100 * b + 10 * f + c;
        return Tensor.of(v, batch, frames, channels);
    }

    @Test
    void subsampleKeepsTheFirstFrameOfEachBlock() {
        Tensor x = labelled(2, 8, 3);
        Tensor y = TemporalResampling.down(x, 1, 4, Downsampling.SUBSAMPLE);
        assertArrayEquals(new int[] {2, 2, 3}, y.shape());
        for (int b = 0; b < 2; b++) for (int f = 0; f < 2; f++) for (int c = 0; c < 3; c++) assertEquals(100 * b + 10 * (4 * f) + c, y.get(b, f, c));
    }

    @Test
    void averageAndScaledAverage() {
        Tensor x = labelled(2, 4, 3);
        Tensor mean = TemporalResampling.down(x, 1, 2, Downsampling.AVERAGE);
        Tensor scaled = TemporalResampling.down(x, 1, 2, Downsampling.AVERAGE_SCALED);
        for (int b = 0; b < 2; b++) for (int f = 0; f < 2; f++) for (int c = 0; c < 3; c++) {
            double expected = (x.get(b, 2 * f, c) + x.get(b, 2 * f + 1, c)) / 2;
            assertEquals(expected, mean.get(b, f, c), 1e-12);
            assertEquals(Math.sqrt(2) * expected, scaled.get(b, f, c), 1e-12);
        }
    }

    @Test
    void framesOnAnotherAxis() {
        // [B, C, F] with frames last: the same picks as on [B, F, C] transposed.
        Tensor x = labelled(2, 8, 3);
        Tensor xt = x.transpose(1, 2).contiguous();
        for (Downsampling op : Downsampling.values()) {
            Tensor a = TemporalResampling.down(x, 1, 2, op).transpose(1, 2).contiguous();
            Tensor b = TemporalResampling.down(xt, -1, 2, op);
            Close.assertClose(b, a, 0, 0);
        }
        Close.assertClose(TemporalResampling.upNearest(xt, 2, 2), TemporalResampling.upNearest(x, 1, 2).transpose(1, 2).contiguous(), 0, 0);
    }

    @Test
    void upNearestDuplicatesEveryFrame() {
        Tensor x = labelled(2, 3, 2);
        Tensor y = TemporalResampling.upNearest(x, 1, 2);
        assertArrayEquals(new int[] {2, 6, 2}, y.shape());
        for (int b = 0; b < 2; b++) for (int f = 0; f < 6; f++) for (int c = 0; c < 2; c++) assertEquals(x.get(b, f / 2, c), y.get(b, f, c));
    }

    @ParameterizedTest
    @EnumSource(Downsampling.class)
    void downAfterUpIsTheIdentity(Downsampling op) {
        Tensor x = Rng.seed(3).normal(DType.FLOAT64, 2, 4, 3);
        Tensor back = TemporalResampling.down(TemporalResampling.upNearest(x, 1, 2), 1, 2, op);
        Close.assertClose(back, op == Downsampling.AVERAGE_SCALED ? dev.vdiff.tensor.ops.Arithmetic.mul(x, Math.sqrt(2)) : x, 1e-15, 1e-15);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void scaledAverageKeepsNoiseStandardNormal(int factor) {
        // 40k standard normal blocks: the scaled average has mean 0 and variance 1 (SPEC §5.2's sqrt(f) rule).
        int n = 40_000;
        Tensor eps = Rng.seed(11).normal(DType.FLOAT64, n, factor);
        double[] y = TemporalResampling.down(eps, 1, factor, Downsampling.AVERAGE_SCALED).doubles();
        double mean = 0, sq = 0;
        for (double v : y) {
            mean += v;
            sq += v * v;
        }
        mean /= n;
        double var = sq / n - mean * mean;
        // Standard errors: mean 1/sqrt(n), variance sqrt(2/n) for a standard normal; 5 of them.
        assertEquals(0, mean, 5 / Math.sqrt(n));
        assertEquals(1, var, 5 * Math.sqrt(2.0 / n));
    }

    @Test
    void factorOneIsANoOp() {
        Tensor x = labelled(1, 4, 2);
        assertSame(x, TemporalResampling.down(x, 1, 1, Downsampling.AVERAGE));
        assertSame(x, TemporalResampling.upNearest(x, 1, 1));
    }

    @Test
    void float32StaysFloat32() {
        Tensor x = Rng.seed(1).normal(DType.FLOAT32, 1, 4, 2);
        assertEquals(DType.FLOAT32, TemporalResampling.down(x, 1, 2, Downsampling.AVERAGE_SCALED).dtype());
        assertEquals(DType.FLOAT32, TemporalResampling.upNearest(x, 1, 2).dtype());
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = labelled(1, 6, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemporalResampling.down(x, 1, 4, Downsampling.SUBSAMPLE));
        assertTrue(e.getMessage().contains("divide the 6 frames"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TemporalResampling.down(x, 3, 2, Downsampling.SUBSAMPLE));
        assertThrows(IllegalArgumentException.class, () -> TemporalResampling.upNearest(x, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TemporalResampling.framesAtLevel(12, 3));
        assertEquals(4, TemporalResampling.framesAtLevel(16, 2));
    }

    @ParameterizedTest
    @EnumSource(Downsampling.class)
    void downIsDifferentiable(Downsampling op) {
        Tensor x = Rng.seed(5).normal(DType.FLOAT64, 2, 4, 3).requiresGrad(true);
        GradCheck.check(in -> TemporalResampling.down(in[0], 1, 2, op), x);
    }

    @Test
    void upIsDifferentiable() {
        Tensor x = Rng.seed(6).normal(DType.FLOAT64, 2, 3, 2).requiresGrad(true);
        GradCheck.check(in -> TemporalResampling.upNearest(in[0], 1, 2), x);
    }
}
