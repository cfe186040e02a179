package dev.vdiff.tensor.kernels;

/** Timing harness for the micro-kernel alone (panels resident in cache). Not a test. */
public final class KernelBench {
    public static void main(String[] args) {
        MicroKernel.F k = args.length > 0 && args[0].equals("scalar") ? MicroKernel.SCALAR_F : MicroKernel.VECTOR_F;
        int kc = Gemm.KC, mr = k.mr(), nr = k.nr(), panels = 8;
        float[] a = new float[kc * mr], b = new float[kc * nr * panels], c = new float[mr * nr * panels];
        for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.01f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.01f;
        for (int round = 0; round < 10; round++) {
            double best = 0;
            for (int rep = 0; rep < 300; rep++) {
                long t0 = System.nanoTime();
                for (int it = 0; it < 20; it++) {
                    for (int p = 0; p < panels; p++) k.tile(kc, a, 0, b, p * kc * nr, c, p * nr, nr * panels);
                }
                best = Math.max(best, 20.0 * panels * 2 * mr * nr * kc / (System.nanoTime() - t0));
            }
            System.out.printf("kernel %dx%d kc=%d: %.1f GFLOP/s%n", mr, nr, kc, best);
        }
    }
}
