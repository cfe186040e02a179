package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Workloads for {@link GemmAB}, built inside each build's class loader (so each runs that build's kernels): a
 * name gives a step to time and the product's float32 FLOP count. Only public, long-standing entry points are
 * used, so an older build's classes run them too.
 */
public final class AbWorkloads implements Supplier<Object[]> {
    private final String name;

    public AbWorkloads(String name) {
        this.name = name;
    }

    /** {Runnable step, Double flop}. */
    @Override
    public Object[] get() {
        SplittableRandom rnd = new SplittableRandom(11);
        if (name.startsWith("matmul")) {
            int n = Integer.parseInt(name.substring(6));
            float[] a = random(rnd, n * n), b = random(rnd, n * n), c = new float[n * n];
            return new Object[] {(Runnable) () -> Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false), 2.0 * n * n * n};
        }
        if (name.startsWith("winofwd")) {   // winofwdC_HW: Winograd forward of x [16, C, HW, HW] -> [16, C, HW, HW]
            String[] p = name.substring(7).split("_");
            int c = Integer.parseInt(p[0]), hw = Integer.parseInt(p[1]);
            ConvGeometry g = new ConvGeometry(16, c, 1, hw, hw, c, 1, 3, 3, 1, 1, 1, 0, 1, 1);
            float[] x = random(rnd, 16 * c * hw * hw), w = random(rnd, c * c * 9), bias = random(rnd, c), y = new float[x.length];
            return new Object[] {(Runnable) () -> Conv.forward(g, x, w, bias, y, ConvAlgorithm.WINOGRAD_F2X3), 2.0 * 16 * c * c * 9 * hw * hw};
        }
        if (name.startsWith("winogemm")) {   // winogemmK_M: the 16 GEMMs of a Winograd forward block, M[16, M, 512] = U^T . V, V read in place
            String[] p = name.substring(8).split("_");
            int kIn = Integer.parseInt(p[0]), iOut = Integer.parseInt(p[1]), t = 512, tp = 528, slack = 64;
            float[] v = random(rnd, 16 * kIn * tp + slack), u = random(rnd, 16 * kIn * iOut), m = new float[16 * iOut * tp];
            int[] aBatch = new int[16], bBatch = new int[16], rows = new int[kIn];
            for (int xi = 0; xi < 16; xi++) {
                aBatch[xi] = xi * kIn * iOut;
                bBatch[xi] = xi * kIn * tp;
            }
            for (int k = 0; k < kIn; k++) rows[k] = k * tp;
            Panels.RowsF b = new Panels.RowsF(v, rows, bBatch, slack, 96 * ((t + 95) / 96), new int[] {0});
            return new Object[] {(Runnable) () -> Gemm.sgemm(16, iOut, t, kIn, Panels.strided(u, aBatch, iOut, 1), b, m, 0, iOut * tp, tp, false), 2.0 * 16 * iOut * t * kIn};
        }
        if (name.equals("conv")) {   // conv2d_fwd_bwd of the benchmark
            Tensor x = GemmBench.random(rnd, 16, 64, 32, 32).requiresGrad(true), w = GemmBench.random(rnd, 64, 64, 3, 3).requiresGrad(true);
            Tensor b = GemmBench.random(rnd, 64).requiresGrad(true), up = GemmBench.random(rnd, 16, 64, 32, 32);
            return new Object[] {(Runnable) () -> {
                Tensor y = Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1});
                y.backward(up);
                x.zeroGrad();
                w.zeroGrad();
                b.zeroGrad();
            }, 3.0 * 2 * 16 * 64 * 32 * 32 * 64 * 9};
        }
        throw new IllegalArgumentException("unknown workload " + name);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }
}
