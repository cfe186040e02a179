package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.6: the straight path, its velocity and the SD3 shift. */
class FlowMatchingTest {
    @Test
    void pathEndsAreDataAndNoiseExactly() {
        Tensor x0 = Samples.normal(1, 2, 3, 4), eps = Samples.normal(2, 2, 3, 4);
        Close.assertClose(FlowMatching.interpolate(x0, eps, 0.0), x0, 0, 0);
        Close.assertClose(FlowMatching.interpolate(x0, eps, 1.0), eps, 0, 0);
    }

    @Test
    void velocityIsTheDerivativeOfThePath() {
        Tensor x0 = Samples.normal(3, 2, 8), eps = Samples.normal(4, 2, 8);
        double sigma = 0.37, h = 1e-3;   // the path is linear in sigma, so the central difference is exact up to rounding
        Tensor diff = FlowMatching.interpolate(x0, eps, sigma + h);
        double[] up = diff.toDoubleArray(), down = FlowMatching.interpolate(x0, eps, sigma - h).toDoubleArray(), fd = new double[up.length];
        for (int i = 0; i < fd.length; i++) fd[i] = (up[i] - down[i]) / (2 * h);
        Close.assertClose(fd, FlowMatching.velocityTarget(x0, eps).toDoubleArray(), 1e-10, 1e-10);
    }

    @Test
    void perSamplePairMatchesOneSampleAtATime() {
        Tensor x0 = Samples.normal(5, 3, 2, 4), eps = Samples.normal(6, 3, 2, 4);
        double[] sig = {0.1, 0.5, 0.95};
        DiffusionTraining.Pair p = FlowMatching.pair(x0, eps, Tensor.of(sig, 3));
        for (int b = 0; b < 3; b++) {
            Close.assertClose(p.input().narrow(0, b, 1), FlowMatching.interpolate(x0.narrow(0, b, 1), eps.narrow(0, b, 1), sig[b]), 0, 0);
        }
        Close.assertClose(p.target(), FlowMatching.velocityTarget(x0, eps), 0, 0);
        Tensor x32 = x0.to(DType.FLOAT32), e32 = eps.to(DType.FLOAT32);
        Close.assertClose(FlowMatching.pair(x32, e32, Tensor.of(sig, 3)).input().to(DType.FLOAT64), p.input(), 1e-6, 1e-6);
        GradCheck.check(x -> FlowMatching.pair(x[0], x[1], Tensor.of(sig, 3)).input(), x0.requiresGrad(true), eps.requiresGrad(true));
    }

    @Test
    void shiftFixesTheEndsIsMonotoneAndHasHandValues() {
        assertEquals(0.75, FlowMatching.shift(0.5, 3), 1e-15);          // 3 * 0.5 / (1 + 2 * 0.5)
        assertEquals(0.25, FlowMatching.shift(0.5, 1.0 / 3), 1e-15);    // (1/3) 0.5 / (1 - (2/3) 0.5)
        for (double s : new double[] {0.5, 1, 3, 7}) {
            assertEquals(0.0, FlowMatching.shift(0, s));
            assertEquals(1.0, FlowMatching.shift(1, s), 1e-15);
            double prev = -1;
            for (int i = 0; i <= 100; i++) {
                double v = FlowMatching.shift(i / 100.0, s);
                assertTrue(v > prev, "monotone");
                if (s == 1) assertEquals(i / 100.0, v, 1e-16);
                prev = v;
            }
        }
        assertArrayEquals(new double[] {1, 0.75, 0.5, 0.25, 0}, FlowMatching.sigmas(4, 1.0));
        double[] shifted = FlowMatching.sigmas(4, 3.0);
        assertEquals(1.0, shifted[0], 1e-15);
        assertEquals(0.0, shifted[4]);
        assertEquals(0.75, shifted[2], 1e-15);
    }

    @Test
    void trainingSigmasAreInRangeAndSeeded() {
        Tensor a = FlowMatching.sampleSigmas(Rng.seed(3), 64, 3.0), b = FlowMatching.sampleSigmas(Rng.seed(3), 64, 3.0);
        assertArrayEquals(a.doubles(), b.doubles());
        for (double s : a.doubles()) assertTrue(s >= 0 && s < 1);
    }

    @Test
    void badSigmas() {
        var e = assertThrows(IllegalArgumentException.class, () -> FlowMatching.interpolate(Samples.normal(1, 2), Samples.normal(2, 2), 1.5));
        assertTrue(e.getMessage().contains("sigma must be in [0, 1], got 1.5"), e.getMessage());
    }
}
