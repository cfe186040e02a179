package dev.vdiff.tensor.kernels;

/**
 * GEMM without packing, for products too small to repay it, and the plainest statement of the numerics
 * every {@link Gemm} path follows: per element of C, the products are summed in k-blocks of
 * {@link Gemm#KC}, each block a chain of fused multiply-adds from zero, the blocks added in order.
 *
 * <p>{@code A(i, p) = a[aOff + p*aK + i*aM]}, {@code B(p, j) = b[bOff + p*bK + j*bN]},
 * {@code C(i, j) = c[cOff + i*ldc + j]}; C is [m, n], the inner axis has length k.
 */
final class Direct {
    private Direct() {}

    static void sgemm(int m, int n, int k, float[] a, int aOff, int aK, int aM, float[] b, int bOff, int bK, int bN,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int k0 = 0; k0 < k; k0 += Gemm.KC) {
                int k1 = Math.min(k, k0 + Gemm.KC);
                java.util.Arrays.fill(acc, 0f);
                for (int p = k0; p < k1; p++) {
                    float av = a[aOff + p * aK + i * aM];
                    int bp = bOff + p * bK;
                    for (int j = 0; j < n; j++) acc[j] = Math.fma(av, b[bp + j * bN], acc[j]);
                }
                if (k0 == 0 && !accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
                for (int j = 0; j < n; j++) c[ci + j] += acc[j];
            }
            if (k == 0 && !accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
        }
    }

    static void dgemm(int m, int n, int k, double[] a, int aOff, int aK, int aM, double[] b, int bOff, int bK, int bN,
                      double[] c, int cOff, int ldc, boolean accumulate) {
        double[] acc = new double[n];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int k0 = 0; k0 < k; k0 += Gemm.KC) {
                int k1 = Math.min(k, k0 + Gemm.KC);
                java.util.Arrays.fill(acc, 0.0);
                for (int p = k0; p < k1; p++) {
                    double av = a[aOff + p * aK + i * aM];
                    int bp = bOff + p * bK;
                    for (int j = 0; j < n; j++) acc[j] = Math.fma(av, b[bp + j * bN], acc[j]);
                }
                if (k0 == 0 && !accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
                for (int j = 0; j < n; j++) c[ci + j] += acc[j];
            }
            if (k == 0 && !accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
        }
    }
}
