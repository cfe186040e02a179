package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OpProfile}: keys per op and phase, nothing recorded when off, the same bits either way. */
class OpProfileTest {
    private static Tensor random(long seed, DType dt, int... shape) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] d = new double[dev.vdiff.tensor.Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = r.nextDouble() * 2 - 1;
        return Tensor.of(d, shape).to(dt);
    }

    private static double[][] step(boolean profile, Map<String, OpProfile.Entry>[] table) {
        Tensor x = random(1, DType.FLOAT32, 2, 3, 6, 6).requiresGrad(true);
        Tensor w = random(2, DType.FLOAT32, 4, 3, 3, 3).requiresGrad(true), b = random(3, DType.FLOAT32, 4).requiresGrad(true);
        if (profile) OpProfile.start();
        Tensor loss = Reductions.sumAll(Pointwise.silu(Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1})));
        loss.backward();
        if (profile) table[0] = OpProfile.stop();
        return new double[][] {loss.toDoubleArray(), x.grad().toDoubleArray(), w.grad().toDoubleArray(), b.grad().toDoubleArray()};
    }

    @Test
    @SuppressWarnings("unchecked")
    void recordsForwardAndBackwardKeysAndChangesNoBits() {
        Map<String, OpProfile.Entry>[] table = new Map[1];
        double[][] off = step(false, table), on = step(true, table);
        for (int i = 0; i < off.length; i++) assertArrayEquals(off[i], on[i], 0.0, "result " + i + " changed with the profile on");
        Map<String, OpProfile.Entry> t = table[0];
        for (String key : new String[] {"fwd.conv2d[2x3->4 k3x3 s1 6x6]", "fwd.silu", "bwd.silu", "bwd.conv2d[2x3->4 k3x3 s1 6x6].input_grad",
                                        "bwd.conv2d[2x3->4 k3x3 s1 6x6].weight_grad", "bwd.conv2d[2x3->4 k3x3 s1 6x6].bias_grad", "bwd.leaf_grad"}) {
            assertTrue(t.containsKey(key), key + " missing from " + t.keySet());
            assertTrue(t.get(key).nanos() >= 0, key);
        }
        assertEquals(3, t.get("bwd.leaf_grad").count(), "one hand-over per leaf");
        assertFalse(OpProfile.on());
    }

    @Test
    void opsThatABackwardFunctionCallsAreChargedToItsNode() {
        Tensor x = random(4, DType.FLOAT64, 5).requiresGrad(true);
        OpProfile.start();
        // an op whose backward runs a recorded op (mul): that time belongs to bwd.custom, not to a forward key
        Tensor y = Autograd.record(x.detach().copy(), "custom", g -> new Tensor[] {dev.vdiff.tensor.ops.Arithmetic.mul(g, 2.0)}, x);
        Reductions.sumAll(y).backward();
        Map<String, OpProfile.Entry> t = OpProfile.stop();
        assertTrue(t.containsKey("fwd.custom") && t.containsKey("bwd.custom"), t.keySet().toString());
        assertFalse(t.containsKey("fwd.mul") || t.containsKey("fwd.mul_scalar"), t.keySet().toString());
        assertArrayEquals(new double[] {2, 2, 2, 2, 2}, x.grad().toDoubleArray(), 0.0);
    }

    @Test
    void marksWhileOffRecordNothing() {
        OpProfile.start();
        Map<String, OpProfile.Entry> before = OpProfile.stop();
        OpProfile.mark("x");
        OpProfile.mark("fwd", "y");
        OpProfile.start();
        Map<String, OpProfile.Entry> after = OpProfile.stop();
        assertTrue(before.isEmpty() && after.isEmpty(), before + " / " + after);
    }
}
