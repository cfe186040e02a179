package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;
import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimizer on a parameter's device: gradient clipping, AdamW and the EMA call the device's backend for float32
 * parameters, and with a backend that leaves every update on its "device" ({@link LazyBackend}: the host arrays of
 * the parameters, moments and averages are poisoned and stale until brought home) three steps give the JVM's bits,
 * read through the parameters, the optimizer's and the EMA's state dicts. 1 and 2 threads give the same bits too.
 */
class OptimizerOnDeviceTest {

    /** Three steps of clip (max norm 0.5) + AdamW (weight decay, bias correction) + EMA on parameters of 5 and 40,000 elements. */
    private static Map<String, Tensor> run(Device d) {
        SplittableRandom r = new SplittableRandom(3);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", rand(r, 5).moveTo(d));
        params.put("b", rand(r, 200, 200).moveTo(d));
        params.put("c", rand(r, 3, 7).moveTo(d));
        AdamW opt = new AdamW(params, 3e-3, 0.9, 0.999, 1e-8, 0.05);
        Ema ema = new Ema(params, 0.9);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int step = 0; step < 3; step++) {
            for (Tensor p : params.values()) p.setGrad(rand(r, p.shape()).moveTo(d));
            double norm = GradClip.clipGradNorm(params.values(), 0.5);
            out.put("norm" + step, Tensor.scalar(DType.FLOAT64, norm));
            opt.step();
            ema.update(params);
        }
        for (var e : params.entrySet()) out.put("p." + e.getKey(), e.getValue());
        for (var e : opt.stateDict().entrySet()) out.put("opt." + e.getKey(), e.getValue());
        for (var e : ema.stateDict().entrySet()) out.put("ema." + e.getKey(), e.getValue());
        for (var e : params.entrySet()) out.put("grad." + e.getKey(), e.getValue().grad());
        return out;
    }

    @Test
    void optimizerStepsOnALazyDeviceGiveTheJvmBits() {
        Device lazy = Device.named("lazy");
        LazyBackend be = (LazyBackend) lazy.kernels();
        try {
            Map<String, Tensor> jvm = Parallel.withThreads(1, () -> run(Device.JVM));
            int copiesBefore = be.copiesHome;
            Map<String, Tensor> dev = run(lazy);
            assertEquals(jvm.keySet(), dev.keySet());
            for (String k : jvm.keySet()) assertArrayEquals(jvm.get(k).toDoubleArray(), dev.get(k).toDoubleArray(), k);
            assertTrue(be.copiesHome > copiesBefore, "nothing was left on the device and brought home");
            Map<String, Tensor> two = Parallel.withThreads(2, () -> run(Device.JVM));
            for (String k : jvm.keySet()) assertArrayEquals(jvm.get(k).toDoubleArray(), two.get(k).toDoubleArray(), k + " with 2 threads");
        } finally {
            be.flush();
        }
    }

    @Test
    void theOptimizerIsRoutedToTheParametersDevice() {
        Device counting = Device.named("counting");
        Map<String, Integer> calls = ((CountingBackend) counting.kernels()).calls;
        calls.clear();
        run(counting);
        assertEquals(3 * 3, calls.getOrDefault("adamwStep", 0), "calls: " + calls);
        assertEquals(3 * 3, calls.getOrDefault("emaUpdate", 0), "calls: " + calls);
        assertEquals(3 * 3, calls.getOrDefault("sumOfSquares", 0), "calls: " + calls);
        assertTrue(calls.getOrDefault("scaleInPlace", 0) > 0, "clipping at 0.5 scaled nothing; calls: " + calls);
    }

    private static Tensor rand(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(a, shape);
    }
}
