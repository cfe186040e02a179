package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.FlowMatching;
import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.6: Euler integration of dx/dsigma = v from sigma = 1 to 0. */
class FlowEulerSamplerTest {
    @ParameterizedTest(name = "{0} steps, shift {1}")
    @CsvSource({"1,1", "4,1", "10,3", "30,0.5"})
    void theExactVelocityOfAStraightPathLandsOnX0(int steps, double shift) {
        // Given the data point x0, the velocity field of the straight path is v(x, sigma) = (x - x0) / sigma (= eps - x0 on
        // the path); Euler moves along the line, so every step is exact and sigma = 0 is x0.
        Tensor x0 = TestModels.normal(1, DType.FLOAT64, 2, 3, 4), noise = TestModels.normal(2, DType.FLOAT64, 2, 3, 4);
        VelocityModel exact = (x, t, c) -> Arithmetic.mul(Arithmetic.sub(x, x0), 1000 / t.toDoubleArray()[0]);
        Close.assertClose(new FlowEulerSampler(steps, shift).sample(exact, noise, null, null), x0, 1e-12, 1e-12);
        // A constant velocity eps - x0 from x_1 = eps does the same.
        VelocityModel constant = (x, t, c) -> FlowMatching.velocityTarget(x0, noise);
        Close.assertClose(new FlowEulerSampler(steps, shift).sample(constant, noise, null, null), x0, 1e-12, 1e-12);
    }

    @Test
    void float32StraightPathLandsOnX0ToFloatRounding() {
        Tensor x0 = TestModels.normal(3, DType.FLOAT32, 1, 64), noise = TestModels.normal(4, DType.FLOAT32, 1, 64);
        VelocityModel constant = (x, t, c) -> FlowMatching.velocityTarget(x0, noise);
        Tensor got = new FlowEulerSampler(20, 3).sample(constant, noise, null, null);
        assertEquals(DType.FLOAT32, got.dtype());
        Close.assertClose(got.to(DType.FLOAT64), x0.to(DType.FLOAT64), 1e-5, 1e-5);
    }

    @Test
    void modelSeesThousandTimesSigmaInTheSamplesDtype() {
        List<Double> times = new ArrayList<>();
        VelocityModel model = (x, t, c) -> {
            assertEquals(DType.FLOAT32, t.dtype());
            times.add(t.toDoubleArray()[1]);
            return Tensor.zerosLike(x);
        };
        new FlowEulerSampler(4, 1).sample(model, TestModels.normal(5, DType.FLOAT32, 2, 3), null, null);
        assertEquals(List.of(1000.0, 750.0, 500.0, 250.0), times);
    }

    @Test
    void badGrids() {
        var e = assertThrows(IllegalArgumentException.class, () -> new FlowEulerSampler(new double[] {1, 0.5, 0.5, 0}, 1000));
        assertTrue(e.getMessage().contains("decrease strictly"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FlowEulerSampler(new double[] {1}, 1000));
        assertTrue(e.getMessage().contains("at least two sigmas"), e.getMessage());
    }
}
