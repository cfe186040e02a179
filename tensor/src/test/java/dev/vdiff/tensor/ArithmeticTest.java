package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArithmeticTest {
    @Test
    void broadcastAddMatchesHandComputedValues() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new double[] {10, 20}, 2);
        assertArrayEquals(new double[] {11, 22, 13, 24}, Arithmetic.add(a, b).toDoubleArray());
        assertArrayEquals(new double[] {11, 12, 23, 24}, Arithmetic.add(a, b.reshape(2, 1)).toDoubleArray());
    }

    @Test
    void gradientsOfBroadcastOpsMatchCentralDifferences() {
        Tensor a = Tensor.of(new double[] {0.5, -1.2, 2.0, 0.7, 1.1, -0.3}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0.9, -1.5, 0.8}, 3).requiresGrad(true);
        GradCheck.check(x -> Arithmetic.add(x[0], x[1]), a, b);
        GradCheck.check(x -> Arithmetic.sub(x[0], x[1]), a, b);
        GradCheck.check(x -> Arithmetic.mul(x[0], x[1]), a, b);
        GradCheck.check(x -> Arithmetic.div(x[0], x[1]), a, b);
        GradCheck.check(x -> Arithmetic.mul(x[0].transpose(0, 1), x[1].reshape(1, 3).expand(3, 3).narrow(0, 0, 3).narrow(1, 0, 2)), a, b);
    }

    @Test
    void gradientAccumulatesAcrossPaths() {
        Tensor a = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        Tensor y = Arithmetic.mul(a, a);   // a^2, two paths to a
        y.backward();
        Close.assertClose(a.grad(), Tensor.of(new double[] {6}, 1), 0, 0);
    }

    @Test
    void mismatchedShapesNameBothShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Arithmetic.add(a, b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
