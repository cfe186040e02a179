package dev.vdiff.tensor;

import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Concat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcatTest {
    @Test
    void handValues() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new double[] {5, 6}, 2, 1);
        Tensor c = Concat.cat(1, a, b);
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6}, c.toDoubleArray());
        Tensor d = Concat.cat(0, a, b.transpose(0, 1));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d.toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6}, Concat.cat(-1, a.to(DType.FLOAT32), b.to(DType.FLOAT32)).toDoubleArray());
    }

    @Test
    void gradientSlicesBackToEachInput() {
        Tensor a = ReductionsTest.random(new int[] {2, 3, 4}, 1).requiresGrad(true);
        Tensor b = ReductionsTest.random(new int[] {2, 1, 4}, 2).requiresGrad(true);
        Tensor c = ReductionsTest.random(new int[] {2, 2, 4}, 3);   // no gradient wanted
        GradCheck.check(t -> Concat.cat(1, t[0], t[1], t[2]), a, b, c);
        GradCheck.check(t -> Concat.cat(0, t[0], t[0]), a);   // the same tensor twice: gradients add
    }

    @Test
    void mismatchedShapesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Concat.cat(1, Tensor.zeros(DType.FLOAT64, 2, 2), Tensor.zeros(DType.FLOAT64, 3, 2)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Concat.cat(0, Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT32, 2)));
    }
}
