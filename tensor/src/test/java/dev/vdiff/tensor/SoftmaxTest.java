package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Softmax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftmaxTest {
    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void handValuesIncludingHugeLogits(String dt) {
        DType dtype = DType.parse(dt);
        double ln3 = Math.log(3);
        Tensor x = Tensor.of(new double[] {1000, 1000, 0, ln3, -1000, 1000}, 3, 2).to(dtype);
        double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-14;
        Close.assertClose(Softmax.softmax(x, -1).to(DType.FLOAT64), Tensor.of(new double[] {0.5, 0.5, 0.25, 0.75, 0, 1}, 3, 2), tol, tol);
        // log(softmax) would give -inf for the -1000 entry; the direct form gives -2000
        Close.assertClose(Softmax.logSoftmax(x, 1).to(DType.FLOAT64),
            Tensor.of(new double[] {-Math.log(2), -Math.log(2), Math.log(0.25), Math.log(0.75), -2000, 0}, 3, 2), tol, tol);
    }

    @Test
    void anyAxisEqualsTheLastAxisOfTheTransposedTensor() {
        Tensor x = ReductionsTest.random(new int[] {3, 4, 5}, 2);
        for (int axis = 0; axis < 3; axis++) {
            Tensor moved = x.transpose(axis, 2);
            Close.assertClose(Softmax.softmax(x, axis).transpose(axis, 2), Softmax.softmax(moved, -1), 1e-15, 1e-15);
            Close.assertClose(Softmax.logSoftmax(x, axis).transpose(axis, 2), Softmax.logSoftmax(moved, 2), 1e-15, 1e-15);
        }
        // rows sum to one
        double[] s = Softmax.softmax(x, 1).toDoubleArray();
        double row = 0;
        for (int r = 0; r < 4; r++) row += s[r * 5 + 2];
        Close.assertClose(new double[] {row}, new double[] {1}, 1e-15, 1e-15);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor x = ReductionsTest.random(new int[] {3, 4, 5}, 7).requiresGrad(true);
        for (int axis : new int[] {0, 1, -1}) {
            GradCheck.check(t -> Softmax.softmax(t[0], axis), x);
            GradCheck.check(t -> Softmax.logSoftmax(t[0], axis), x);
        }
        Tensor big = Tensor.of(new double[] {1000, 999, 1001, -1000, 0, 3}, 2, 3).requiresGrad(true);
        GradCheck.check(t -> Softmax.softmax(t[0], -1), big);
        GradCheck.check(t -> Softmax.logSoftmax(t[0], -1), big);
    }

    @Test
    void float32AgreesWithFloat64() {
        Tensor x = ReductionsTest.random(new int[] {6, 300}, 4);
        for (int axis : new int[] {0, 1}) {
            Close.assertClose(Softmax.softmax(x.to(DType.FLOAT32), axis).to(DType.FLOAT64), Softmax.softmax(x, axis), 1e-6, 1e-8);
            Close.assertClose(Softmax.logSoftmax(x.to(DType.FLOAT32), axis).to(DType.FLOAT64), Softmax.logSoftmax(x, axis), 1e-6, 1e-6);
        }
    }

    @Test
    void badAxisIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(Tensor.zeros(DType.FLOAT32, 2, 3), 2));
        assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
