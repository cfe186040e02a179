package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {
    @Test
    void linearHasTorchNamesShapesAndInit() {
        Linear fc = new Linear(16, 8, true, DType.FLOAT32, Rng.seed(1));
        assertEquals(List.of("weight", "bias"), List.copyOf(fc.namedParameters().keySet()));
        assertArrayEquals(new int[] {8, 16}, fc.weight.shape());
        assertArrayEquals(new int[] {8}, fc.bias.shape());
        assertEquals(16 * 8 + 8, fc.parameterCount());
        for (double v : fc.weight.toDoubleArray()) assertTrue(Math.abs(v) <= 0.25);
        for (double v : fc.bias.toDoubleArray()) assertTrue(Math.abs(v) <= 0.25);
        assertEquals(List.of("weight"), List.copyOf(new Linear(4, 2, false, DType.FLOAT64, Rng.seed(1)).namedParameters().keySet()));
        // Same generator state, same weights.
        assertArrayEquals(fc.weight.floats(), new Linear(16, 8, true, DType.FLOAT32, Rng.seed(1)).weight.floats());
    }

    @Test
    void linearForwardAndParameterGradientsMatchHandFormulas() {
        Linear fc = new Linear(3, 2, true, DType.FLOAT64, Rng.seed(2));
        double[] x = {0.5, -1, 2, 1.5, 0.25, -0.75};   // [2, 3]
        Tensor y = fc.forward(Tensor.of(x.clone(), 2, 3));
        Close.assertClose(y.toDoubleArray(), Naive.linear(x, 2, 3, fc.weight.doubles(), 2, fc.bias.doubles()), 1e-12, 1e-14);
        // L = sum(y): dL/db[o] = rows = 2, dL/dW[o, i] = sum_n x[n, i].
        y.backward(Tensor.ones(DType.FLOAT64, 2, 2));
        assertArrayEquals(new double[] {2, 2}, fc.bias.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {2, -0.75, 1.25, 2, -0.75, 1.25}, fc.weight.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void linearAppliesToTheLastAxisOfAnyRank() {
        Linear fc = new Linear(4, 3, false, DType.FLOAT64, Rng.seed(3));
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 2, 5, 4);
        Tensor y = fc.forward(x);
        assertArrayEquals(new int[] {2, 5, 3}, y.shape());
        Close.assertClose(y.toDoubleArray(), Naive.linear(x.doubles(), 10, 4, fc.weight.doubles(), 3, null), 1e-12, 1e-14);
    }

}
