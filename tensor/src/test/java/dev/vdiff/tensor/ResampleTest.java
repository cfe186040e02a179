package dev.vdiff.tensor;

import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Resample;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResampleTest {
    @Test
    void upsampleHandValues() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor y = Resample.upsampleNearest2d(x, 2);
        assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
        assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.toDoubleArray());
        assertArrayEquals(new double[] {7, 7, 7, 7, 7, 7, 7, 7, 7}, Resample.upsampleNearest2d(Tensor.full(DType.FLOAT32, 7, 1, 1, 1, 1), 3).toDoubleArray());
    }

    @Test
    void upsampleGradientSumsEachBlock() {
        Tensor x = Tensor.of(new double[] {1, 2}, 1, 1, 1, 2).requiresGrad(true);
        double[] up = {1, 2, 3, 4, 5, 6, 7, 8};   // [1,1,2,4]
        Resample.upsampleNearest2d(x, 2).backward(Tensor.of(up, 1, 1, 2, 4));
        assertArrayEquals(new double[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, x.grad().toDoubleArray());
    }

    @Test
    void avgPoolHandValuesAndDroppedEdge() {
        // 3x3 input: the last row and column are outside every 2x2 window
        Tensor x = Tensor.of(new double[] {1, 2, 9, 3, 4, 9, 9, 9, 9}, 1, 1, 3, 3).requiresGrad(true);
        Tensor y = Resample.avgPool2d(x, 2, 2);
        assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
        assertArrayEquals(new double[] {2.5}, y.toDoubleArray());
        y.backward(Tensor.of(new double[] {4}, 1, 1, 1, 1));
        assertArrayEquals(new double[] {1, 1, 0, 1, 1, 0, 0, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor x = ReductionsTest.random(new int[] {2, 3, 5, 7}, 3).requiresGrad(true);
        GradCheck.check(t -> Resample.upsampleNearest2d(t[0], 2), x);
        GradCheck.check(t -> Resample.avgPool2d(t[0], 2, 2), x);
        GradCheck.check(t -> Resample.avgPool2d(t[0], 3, 2), x);   // overlapping windows
        GradCheck.check(t -> Resample.upsampleNearest2d(t[0].transpose(2, 3), 3), x);
    }

    @Test
    void badShapesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Resample.avgPool2d(Tensor.zeros(DType.FLOAT32, 3, 4, 4), 2, 2));
        assertTrue(e.getMessage().contains("[3, 4, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resample.avgPool2d(Tensor.zeros(DType.FLOAT32, 1, 1, 1, 4), 2, 2));
    }
}
