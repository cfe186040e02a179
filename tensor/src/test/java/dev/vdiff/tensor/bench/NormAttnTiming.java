package dev.vdiff.tensor.bench;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.kernels.Simd;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Normalization;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Timing of the normalisation and attention micro-benchmarks of {@code bench/README.md} (not a unit test):
 * {@code groupnorm_fwd_bwd}, {@code attn_spatial_fwd_bwd}, {@code attn_temporal_fwd_bwd}, float32, each
 * call a forward then a backward for a fixed upstream gradient through the autodiff engine.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Dvdiff.threads=2 \
 *        -cp tensor/target/classes:tensor/target/test-classes dev.vdiff.tensor.bench.NormAttnTiming [names]
 * </pre>
 * Prints, per benchmark, the median and best of 15 samples; a sample is a loop of calls lasting at least
 * 0.2 s divided by its call count (as the PyTorch baseline does), and the process CPU time per call (on a
 * machine shared with other work the wall clock overstates; CPU time / threads is the wall time the calls
 * would take alone). Each benchmark first warms up for {@code -Dwarmup.s} seconds (default 10).
 */
public final class NormAttnTiming {
    private NormAttnTiming() {}

    /** CPU time of the whole process: on a shared machine it shows the work done, whatever the wall clock says. */
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        System.out.printf("java %s, threads %d, simd %s%n", System.getProperty("java.version"), Parallel.threads(), Simd.ENABLED);
        String only = args.length > 0 ? args[0] : "groupnorm_fwd_bwd,attn_spatial_fwd_bwd,attn_temporal_fwd_bwd";
        SplittableRandom rnd = new SplittableRandom(42);
        for (String name : only.split(",")) {
            switch (name) {
                case "groupnorm_fwd_bwd": {
                    Tensor x = randn(rnd, 16, 128, 16, 16).requiresGrad(true);
                    Tensor w = Tensor.ones(DType.FLOAT32, 128).requiresGrad(true);
                    Tensor b = Tensor.zeros(DType.FLOAT32, 128).requiresGrad(true);
                    Tensor up = randn(rnd, 16, 128, 16, 16);
                    time(name, () -> {
                        Normalization.groupNorm(x, 32, w, b, 1e-5).backward(up);
                        x.zeroGrad();
                        w.zeroGrad();
                        b.zeroGrad();
                    });
                    break;
                }
                case "attn_spatial_fwd_bwd":
                case "attn_temporal_fwd_bwd": {
                    int s = name.startsWith("attn_spatial") ? 16 : 512, t = name.startsWith("attn_spatial") ? 256 : 8;
                    Tensor q = randn(rnd, s, t, 128).requiresGrad(true);
                    Tensor k = randn(rnd, s, t, 128).requiresGrad(true);
                    Tensor v = randn(rnd, s, t, 128).requiresGrad(true);
                    Tensor up = randn(rnd, s, t, 128);
                    time(name, () -> {
                        Attention.multiHead(q, k, v, 4).backward(up);
                        q.zeroGrad();
                        k.zeroGrad();
                        v.zeroGrad();
                    });
                    break;
                }
                default:
                    System.out.println("unknown benchmark " + name);
            }
        }
    }

    private static Tensor randn(SplittableRandom rnd, int... shape) {
        float[] a = new float[Arrays.stream(shape).reduce(1, (p, q) -> p * q)];
        for (int i = 0; i < a.length; i += 2) {
            double u = rnd.nextDouble(), v = rnd.nextDouble();
            double r = Math.sqrt(-2 * Math.log(1 - u));
            a[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < a.length) a[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
        }
        return Tensor.of(a, shape);
    }

    private static void time(String name, Runnable call) {
        // Warm-up: the Vector API runs hundreds of times slower until C2 has compiled the kernels, which
        // takes seconds on a busy machine.
        long w0 = System.nanoTime(), warmNs = (long) (Double.parseDouble(System.getProperty("warmup.s", "10")) * 1e9);
        while (System.nanoTime() - w0 < warmNs) call.run();
        double[] ms = new double[15], cpu = new double[15];
        for (int r = 0; r < ms.length; r++) {
            int calls = 0;
            long t0 = System.nanoTime(), c0 = OS.getProcessCpuTime(), t1;
            do {
                call.run();
                calls++;
                t1 = System.nanoTime();
            } while (t1 - t0 < 200_000_000L);
            ms[r] = (t1 - t0) / 1e6 / calls;
            cpu[r] = (OS.getProcessCpuTime() - c0) / 1e6 / calls;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        System.out.printf("%-24s wall median %8.3f ms  best %8.3f ms   process CPU per call median %8.3f ms  best %8.3f ms%n",
            name, ms[ms.length / 2], ms[0], cpu[cpu.length / 2], cpu[0]);
    }
}
