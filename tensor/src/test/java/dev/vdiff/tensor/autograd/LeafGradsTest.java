package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A leaf keeps a fresh gradient without copying it, and never shares storage with anything else. */
class LeafGradsTest {
    private static Tensor leaf(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    /** out = x (values), with a backward function that returns {@code grads} as they are. */
    private static Tensor op(Tensor out, BackwardFn fn, Tensor... inputs) {
        return Autograd.record(out, "test_op", fn, inputs);
    }

    @Test
    void aFreshGradientIsAdoptedWithoutACopy() {
        Tensor x = leaf(1, 2, 3);
        Tensor fresh = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor y = op(Tensor.of(new double[] {1, 2, 3}, 3), g -> new Tensor[] {fresh}, x);
        y.backward(Tensor.of(new double[] {1, 1, 1}, 3));
        assertSame(fresh.storage(), x.grad().storage(), "the gradient was copied although nothing else holds it");
    }

    @Test
    void oneGradientForTwoLeavesIsCopiedForTheSecond() {
        Tensor a = leaf(1, 2), b = leaf(3, 4);
        Tensor shared = Tensor.of(new double[] {7, 8}, 2);
        Tensor y = op(Tensor.of(new double[] {0, 0}, 2), g -> new Tensor[] {shared, shared}, a, b);
        y.backward(Tensor.of(new double[] {1, 1}, 2));
        assertNotSame(a.grad().storage(), b.grad().storage());
        assertArrayEquals(new double[] {7, 8}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {7, 8}, b.grad().toDoubleArray());
    }

    @Test
    void theUpstreamAndGraphTensorsAreNeverAdopted() {
        // Addition passes the upstream gradient through to both operands.
        Tensor a = leaf(1, 2), b = leaf(3, 4);
        Tensor up = Tensor.of(new double[] {0.5, -1}, 2);
        Arithmetic.add(a, b).backward(up);
        assertNotSame(up.storage(), a.grad().storage());
        assertNotSame(up.storage(), b.grad().storage());
        assertNotSame(a.grad().storage(), b.grad().storage());
        // A backward function that returns a tensor of the forward graph (here its own input).
        Tensor c = leaf(1, 2), d = Tensor.of(new double[] {9, 9}, 2);
        Tensor y = op(Tensor.of(new double[] {0, 0}, 2), g -> new Tensor[] {d, null}, c, d);
        y.backward(Tensor.of(new double[] {1, 1}, 2));
        assertNotSame(d.storage(), c.grad().storage());
        assertArrayEquals(new double[] {9, 9}, c.grad().toDoubleArray());
        // A gradient still waiting to flow through another node when the leaf is reached (inputs in this order
        // make the engine visit the leaf e before the node mid, whose backward reads the shared storage).
        Tensor e = leaf(1, 2), h = leaf(3, 4);
        Tensor pendingShared = Tensor.of(new double[] {2, 3}, 2);
        Tensor mid = op(Tensor.of(new double[] {0, 0}, 2), g -> new Tensor[] {Arithmetic.mul(g, 2.0)}, h);
        Tensor y2 = op(Tensor.of(new double[] {0, 0}, 2), g -> new Tensor[] {pendingShared.reshape(2), pendingShared}, mid, e);
        y2.backward(Tensor.of(new double[] {1, 1}, 2));
        assertNotSame(pendingShared.storage(), e.grad().storage(), "adopted a storage another tensor's gradient still used");
        assertArrayEquals(new double[] {4, 6}, h.grad().toDoubleArray());
        // Mutating one leaf gradient in place changes no other tensor.
        a.grad().doubles()[0] = 100;
        assertArrayEquals(new double[] {0.5, -1}, b.grad().toDoubleArray());
        assertArrayEquals(new double[] {0.5, -1}, up.toDoubleArray());
    }

    @Test
    void gradientsStillAccumulateAcrossBackwardPasses() {
        Tensor x = leaf(1, 2);
        Arithmetic.mul(x, Tensor.full(DType.FLOAT64, 3, 2)).backward(Tensor.of(new double[] {1, 1}, 2));
        Arithmetic.mul(x, Tensor.full(DType.FLOAT64, 2, 2)).backward(Tensor.of(new double[] {1, 1}, 2));
        assertArrayEquals(new double[] {5, 5}, x.grad().toDoubleArray());
    }
}
