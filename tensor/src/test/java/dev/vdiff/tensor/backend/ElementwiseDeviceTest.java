package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Resample;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The elementwise arithmetic, broadcast sums and copies of float32 tensors on a device go through that device's
 * backend ({@code binary}, {@code copy}, {@code fill}, {@code sumTo}), forward and backward, and give the JVM path's
 * bits: the test backends run {@link JvmBackend}'s implementations ({@code StridedKernels}), so this checks those
 * against the ops' own JVM loops (Arithmetic, Strided.sumTo, Views, Concat, Resample, the autograd engine's sums).
 */
class ElementwiseDeviceTest {

    /** Broadcast add/mul/sub/div, scalar ops, permute + contiguous, narrow, cat, upsampling, gradient accumulation. */
    private static Tensor[] run(Device d) {
        SplittableRandom r = new SplittableRandom(11);
        Tensor x = rand(r, 2, 3, 4, 5).requiresGrad(true).moveTo(d);
        Tensor bias = rand(r, 3, 1, 1).requiresGrad(true).moveTo(d);
        Tensor lw = rand(r, 6, 6).requiresGrad(true).moveTo(d), lb = rand(r, 6).requiresGrad(true).moveTo(d);
        Tensor s = rand(r, 5).requiresGrad(true).moveTo(d);
        Tensor h = Arithmetic.mul(Arithmetic.add(x, bias), s);                                  // [2, 3, 4, 5], broadcasts
        h = Arithmetic.sub(h, Arithmetic.div(x, Arithmetic.add(Arithmetic.mul(s, s), 1.0)));   // s used twice: a gradient sum
        Tensor p = h.permute(0, 2, 1, 3).contiguous();                                          // [2, 4, 3, 5]
        Tensor c = Concat.cat(2, p.narrow(2, 1, 2), p.narrow(2, 0, 1));                         // [2, 4, 3, 5]
        Tensor u = Resample.upsampleNearest2d(c.transpose(2, 3), 2);                             // [2, 4, 10, 6] from a strided view
        Tensor y = Arithmetic.add(Arithmetic.mul(LinearAlgebra.linear(u, lw, null), 0.5), Arithmetic.neg(LinearAlgebra.linear(u, lw, lb)));   // u, lw twice; bias gradient
        Tensor t = x.reshape(2, 3, 20).transpose(1, 2).copy();                                  // [2, 20, 3]: Views.copy of a view
        Reductions.sumAll(Arithmetic.mul(y, rand(r, 2, 4, 10, 6))).backward();
        return new Tensor[] {y, t, x.grad(), bias.grad(), s.grad(), lb.grad()};
    }

    @Test
    void routedThroughTheBackendWithTheSameBits() {
        Device counting = Device.named("counting");
        Tensor[] jvm = run(Device.JVM), dev = run(counting);
        for (int i = 0; i < jvm.length; i++) {
            assertArrayEquals(jvm[i].contiguous().floats(), dev[i].contiguous().floats(), "tensor " + i);
            assertSame(counting, dev[i].device(), "tensor " + i + " is on the inputs' device");
        }
        Map<String, Integer> calls = ((CountingBackend) counting.kernels()).calls;
        for (String m : new String[] {"binary", "copy", "fill", "sumTo", "sumToInDouble"}) {
            assertTrue(calls.getOrDefault(m, 0) > 0, m + " was not routed to the device's backend; calls: " + calls);
        }
    }

    @Test
    void lazyReadBackGivesTheSameBits() {
        Device lazy = Device.named("lazy");
        LazyBackend be = (LazyBackend) lazy.kernels();
        try {
            Tensor[] jvm = run(Device.JVM), dev = run(lazy);
            for (int i = 0; i < jvm.length; i++) assertArrayEquals(jvm[i].contiguous().floats(), dev[i].contiguous().floats(), "tensor " + i);
            assertTrue(be.deviceReads > 0, "no kernel read a result where the previous one left it");
        } finally {
            be.flush();
        }
    }

    private static Tensor rand(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }
}
