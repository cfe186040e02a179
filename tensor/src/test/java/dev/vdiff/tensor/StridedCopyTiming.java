package dev.vdiff.tensor;

import dev.vdiff.tensor.parallel.Parallel;

import java.util.Arrays;

/**
 * Timing harness, not a test: the dense copy of the benchmark model's attention permutes, the row loop of
 * {@link Strided#toDense} before session 7 ("rows") against the blocked transpose it now takes
 * ({@link dev.vdiff.tensor.kernels.TransposeCopy}, "blocked"), interleaved in one JVM, as CPU time: the calling
 * thread's with 1 thread; with more, the caller's plus the compute threads' (which also counts their waiting).
 * Checks that both give the same elements. Usage: {@code StridedCopyTiming threads rounds}.
 */
public final class StridedCopyTiming {
    static final java.lang.management.ThreadMXBean TM = java.lang.management.ManagementFactory.getThreadMXBean();

    static long cpu(int threads) {
        long t = TM.getCurrentThreadCpuTime();
        if (threads == 1) return t;
        for (java.lang.management.ThreadInfo i : TM.getThreadInfo(TM.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("vdiff-compute")) t += TM.getThreadCpuTime(i.getThreadId());
        }
        return t;
    }

    /** The previous float32 path of {@link Strided#toDense}: one output row at a time. */
    static float[] rows(Tensor t) {
        int[] shape = t.shape();
        int r = shape.length, inner = shape[r - 1], is = t.strides()[r - 1];
        float[] s = (float[]) t.storage(), d = new float[t.numel()];
        Strided.forEachRow(shape, t.strides(), t.offset(), (base, dst) -> {
            for (int i = 0; i < inner; i++) d[dst + i] = s[base + i * is];
        });
        return d;
    }

    static Tensor random(int... shape) {
        float[] a = new float[Shape.numel(shape)];
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat();
        return Tensor.of(a, shape);
    }

    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        // benchmark model (tiny_video_unet): attention at 16x16 with 128 channels, N = B*F = 16 frames, B = 2, F = 8
        String[] names = {"[16,128,256] -> [16,256,128] (spatial tokens)", "[16,256,128] -> [16,128,256] (spatial back)",
            "[2,128,8,16,16] -> [2,16,16,8,128] (temporal tokens)", "[2,16,16,8,128] -> [2,8,128,16,16] (temporal back)"};
        Tensor[] views = {random(16, 128, 256).transpose(1, 2), random(16, 256, 128).transpose(1, 2),
            random(2, 128, 8, 16, 16).permute(0, 3, 4, 2, 1), random(2, 16, 16, 8, 128).permute(0, 3, 4, 1, 2)};
        for (int v = 0; v < views.length; v++) {
            Tensor view = views[v];
            double[] a = new double[rounds], b = new double[rounds];
            Parallel.withThreads(threads, () -> {
                if (!Arrays.equals(rows(view), (float[]) Strided.toDense(view))) throw new AssertionError("different elements");
                for (int i = 0; i < 20; i++) { rows(view); Strided.toDense(view); }
                for (int q = 0; q < rounds; q++) {
                    long t0 = cpu(threads);
                    for (int k = 0; k < 5; k++) rows(view);
                    long t1 = cpu(threads);
                    for (int k = 0; k < 5; k++) Strided.toDense(view);
                    long t2 = cpu(threads);
                    a[q] = (t1 - t0) / 5e6;
                    b[q] = (t2 - t1) / 5e6;
                }
                return null;
            });
            Arrays.sort(a);
            Arrays.sort(b);
            System.out.printf("%-55s rows best %.3f median %.3f ms, blocked best %.3f median %.3f ms: %.2fx / %.2fx%n",
                names[v], a[0], a[rounds / 2], b[0], b[rounds / 2], a[0] / b[0], a[rounds / 2] / b[rounds / 2]);
        }
    }
}
