package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The engine adds a third and later gradient of a tensor into the sum it made of the first two (in place):
 * the values are the plain sums, and no tensor a backward function returned, nor the upstream, is written.
 */
class GradientSumsTest {
    private static Tensor op(Tensor out, BackwardFn fn, Tensor... inputs) {
        return Autograd.record(out, "test_op", fn, inputs);
    }

    private static Tensor vec(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void sumsOfManyPathsAreRightAndWriteNothingTheyWereGiven() {
        Tensor x = vec(1, 2).requiresGrad(true);
        Tensor m = op(vec(1, 2), g -> new Tensor[] {g}, x);   // passes its gradient on as it is
        Tensor g1 = vec(1, 10), g2 = vec(2, 20), g3 = vec(4, 40), g4 = vec(8, 80);
        Tensor y1 = op(vec(0, 0), g -> new Tensor[] {g1}, m), y2 = op(vec(0, 0), g -> new Tensor[] {g2}, m);
        Tensor y3 = op(vec(0, 0), g -> new Tensor[] {g3}, m), y4 = op(vec(0, 0), g -> new Tensor[] {g4}, m);
        // the root gives one and the same tensor to its four inputs
        Tensor root = op(vec(0, 0), g -> new Tensor[] {g, g, g, g}, y1, y2, y3, y4);
        Tensor up = vec(1, 1);
        root.backward(up);
        assertArrayEquals(new double[] {15, 150}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 10}, g1.toDoubleArray());
        assertArrayEquals(new double[] {2, 20}, g2.toDoubleArray());
        assertArrayEquals(new double[] {4, 40}, g3.toDoubleArray());
        assertArrayEquals(new double[] {8, 80}, g4.toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, up.toDoubleArray());
    }

    @Test
    void aSumPassedOnToTwoInputsIsNotAddedIntoLater() {
        // s gets three gradients (a sum the engine owns), then passes that sum to both a and b; a and b each
        // get one more gradient afterwards, which must not land in the other's.
        Tensor a = vec(1, 1).requiresGrad(true), b = vec(2, 2).requiresGrad(true);
        Tensor s = Arithmetic.add(a, b);                                   // backward: {g, g}
        Tensor total = Arithmetic.add(Arithmetic.add(Arithmetic.add(s, s), s), Arithmetic.mul(a, 3.0));
        total = Arithmetic.add(total, Arithmetic.mul(b, 5.0));
        Reductions.sumAll(total).backward();
        assertArrayEquals(new double[] {6, 6}, a.grad().toDoubleArray());   // 3 (from s) + 3
        assertArrayEquals(new double[] {8, 8}, b.grad().toDoubleArray());   // 3 (from s) + 5
    }
}
