package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device travels with the data: ops on tensors moved to a (test) device call that device's backend for
 * every routed kernel, forward and backward, their outputs are on that device, and the values are those of
 * the JVM path (the test backend runs the JVM kernels, so bit for bit). With a backend that leaves its results on
 * its "device" ({@link LazyBackend}: lazy read-back through {@link HostCopy}) the values are the same bits too.
 */
class DeviceTest {

    /** A small network through every routed op: linear, silu, softmax, conv2d, group norm, attention. */
    private static Tensor[] run(Device d) {
        SplittableRandom r = new SplittableRandom(7);
        Tensor x = rand(r, 2, 3, 6, 6).requiresGrad(true).moveTo(d);
        Tensor w = rand(r, 4, 3, 3, 3).requiresGrad(true).moveTo(d);
        Tensor gw = rand(r, 4).requiresGrad(true).moveTo(d), gb = rand(r, 4).requiresGrad(true).moveTo(d);
        Tensor lw = rand(r, 8, 36).requiresGrad(true).moveTo(d);
        Tensor h = Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1});      // [2, 4, 6, 6]
        h = Normalization.groupNorm(h, 2, gw, gb, 1e-5);
        h = Pointwise.silu(h).reshape(2, 4, 36);                                          // [2, 4, 36]
        Tensor a = Attention.multiHead(h, h, h, 2);                                        // [2, 4, 36]
        Tensor y = Softmax.softmax(LinearAlgebra.linear(a, lw, null), 2);                  // [2, 4, 8]
        Reductions.sumAll(Arithmetic.mul(y, rand(r, 2, 4, 8))).backward();
        return new Tensor[] {y, x.grad(), w.grad(), gw.grad(), gb.grad(), lw.grad()};
    }

    @Test
    void opsRunOnTheirInputsDeviceWithTheSameBits() {
        Device counting = Device.named("counting");
        Tensor[] jvm = run(Device.JVM), dev = run(counting);
        assertSame(counting, dev[0].device(), "the output is on the inputs' device");
        assertSame(Device.JVM, jvm[0].device());
        for (int i = 0; i < jvm.length; i++) assertArrayEquals(jvm[i].contiguous().floats(), dev[i].contiguous().floats(), "tensor " + i);
        Map<String, Integer> calls = ((CountingBackend) counting.kernels()).calls;
        for (String m : new String[] {"gemm", "convForward", "convInputGrad", "convWeightGrad", "groupNormForward", "groupNormBackward",
            "softmaxForward", "softmaxBackward", "unaryForward", "unaryBackward", "attentionForward", "attentionBackward"}) {
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
            assertTrue(be.copiesHome > 0, "nothing was brought home");
        } finally {
            be.flush();
        }
    }

    @Test
    void hostAccessorsAndJvmKernelsBringAStaleArrayHomeViewsDoNot() {
        float[] host = new float[3];
        HostCopy.Holder holder = h -> {
            h[0] = 1;
            h[1] = 4;
            h[2] = 9;
            HostCopy.hostHoldsNewest(h);
        };
        HostCopy.deviceHoldsNewest(host, holder);
        Tensor t = Tensor.of(host, 3);
        assertSame(host, t.deviceFloats());
        Tensor view = t.reshape(1, 3).narrow(1, 1, 2);
        assertTrue(HostCopy.isStale(host), "deviceFloats() and views do not bring the array home");
        assertEquals(9.0, view.get(0, 1));
        assertTrue(!HostCopy.isStale(host));
        assertArrayEquals(new float[] {1, 4, 9}, t.floats());

        java.util.Arrays.fill(host, 0f);   // the device has 1, 4, 9 again, the host copy is stale
        HostCopy.deviceHoldsNewest(host, holder);
        float[] y = new float[3];
        new JvmBackend().unaryForward(dev.vdiff.tensor.kernels.UnaryKernels.Fn.SQRT, 0, 0, host, y, 3);
        assertArrayEquals(new float[] {1, 2, 3}, y, "a JVM kernel handed a stale array reads the device's values");
        assertTrue(!HostCopy.isStale(host));
    }

    @Test
    void unknownBackendIsOneLineNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.named("tornado"));
        assertTrue(e.getMessage().startsWith("--backend tornado: no such backend on the class path; available: jvm, counting"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void twoDifferentDevicesAreAnError() {
        Tensor a = Tensor.of(new float[] {1}, 1).moveTo(Device.named("counting"));
        assertEquals("counting", Tensor.deviceOf(a, Tensor.of(new float[] {2}, 1)).name(), "JVM + one device runs on that device");
        assertSame(Device.JVM, Tensor.deviceOf(Tensor.of(new float[] {2}, 1), null));
    }

    private static Tensor rand(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }
}
