package dev.vdiff.tensor;

import dev.vdiff.tensor.kernels.TransposeCopy;
import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked transpose behind {@link Strided#toDense} for permuted views ({@link TransposeCopy}): every element of
 * the dense copy equals the view's element at the same multi-index, read through shape, strides and offset (an
 * independent formula), for random permutations of random shapes, narrowed and expanded views, every dtype, and
 * the same bits on 1 and 2 threads.
 */
class StridedTransposeTest {

    /** The view's elements in row-major order, one multi-index at a time. */
    static double[] reference(Tensor v) {
        int[] shape = v.shape(), st = v.strides();
        int n = v.numel(), r = shape.length;
        double[] out = new double[n];
        Object s = v.storage();
        int[] idx = new int[r];
        for (int k = 0; k < n; k++) {
            int rem = k, at = v.offset();
            for (int d = r - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
                at += idx[d] * st[d];
            }
            out[k] = s instanceof float[] f ? f[at] : s instanceof double[] dd ? dd[at] : ((long[]) s)[at];
        }
        return out;
    }

    static double[] asDoubles(Object a) {
        if (a instanceof float[] f) { double[] o = new double[f.length]; for (int i = 0; i < f.length; i++) o[i] = f[i]; return o; }
        if (a instanceof double[] d) return d.clone();
        long[] l = (long[]) a;
        double[] o = new double[l.length];
        for (int i = 0; i < l.length; i++) o[i] = l[i];
        return o;
    }

    static Tensor random(DType dtype, Random rnd, int... shape) {
        int n = Shape.numel(shape);
        switch (dtype) {
            case FLOAT32: { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian(); return Tensor.of(a, shape); }
            case FLOAT64: { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = rnd.nextGaussian(); return Tensor.of(a, shape); }
            default: { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = rnd.nextLong(); return Tensor.ofLongs(a, shape); }
        }
    }

    /** A random permuted (and sometimes narrowed or expanded) view of a random tensor of rank 2 to 5. */
    static Tensor randomView(DType dtype, Random rnd) {
        int r = 2 + rnd.nextInt(4);
        int[] shape = new int[r];
        for (int d = 0; d < r; d++) shape[d] = 1 + rnd.nextInt(d == 0 ? 4 : r <= 3 ? 40 : 12);
        Tensor x = random(dtype, rnd, shape);
        if (rnd.nextBoolean()) {   // narrow one dimension (an offset, strides of the larger tensor)
            int d = rnd.nextInt(r);
            if (shape[d] > 2) x = x.narrow(d, 1, shape[d] - 2);
        }
        int[] perm = new int[r];
        for (int d = 0; d < r; d++) perm[d] = d;
        for (int d = r - 1; d > 0; d--) { int j = rnd.nextInt(d + 1); int t = perm[d]; perm[d] = perm[j]; perm[j] = t; }
        Tensor v = x.permute(perm);
        if (rnd.nextInt(4) == 0) {   // a broadcast (stride 0) leading dimension
            int[] s = v.shape(), e = new int[r + 1];
            e[0] = 3;
            System.arraycopy(s, 0, e, 1, r);
            v = v.unsqueeze(0).expand(e);
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT64", "INT64"})
    void randomPermutedViewsCopyEveryElement(String dt) {
        DType dtype = DType.valueOf(dt);
        Random rnd = new Random(dt.hashCode());
        int tiled = 0;
        for (int trial = 0; trial < 150; trial++) {
            Tensor v = randomView(dtype, rnd);
            if (TransposeCopy.tileDim(v.shape(), v.strides()) >= 0) tiled++;
            double[] want = reference(v);
            double[] one = asDoubles(Parallel.withThreads(1, () -> Strided.toDense(v)));
            double[] two = asDoubles(Parallel.withThreads(2, () -> Strided.toDense(v)));
            assertArrayEquals(want, one, 0.0, () -> "view " + Shape.str(v.shape()) + " strides " + java.util.Arrays.toString(v.strides()));
            assertArrayEquals(one, two, 0.0);
        }
        assertTrue(tiled > 30, "only " + tiled + " of 150 views took the blocked path");
    }

    /** The model's permutes: spatial attention's [N, c, T] <-> [N, T, c] and the temporal layer's 5-D one. */
    @Test
    void attentionPermutes() {
        Random rnd = new Random(7);
        Tensor[] views = {
            random(DType.FLOAT32, rnd, 8, 64, 256).transpose(1, 2),            // [N, c, T] -> [N, T, c]
            random(DType.FLOAT32, rnd, 8, 1024, 32).transpose(1, 2),           // [N, T, c] -> [N, c, T]
            random(DType.FLOAT32, rnd, 2, 64, 4, 16, 16).permute(0, 3, 4, 2, 1),   // [B, c, F, R1, R2] -> [B, R1, R2, F, c]
            random(DType.FLOAT32, rnd, 2, 16, 16, 4, 64).permute(0, 3, 4, 1, 2),   // and back
            random(DType.FLOAT32, rnd, 33, 17).transpose(0, 1),                // ragged tiles
        };
        for (Tensor v : views) {
            double[] want = reference(v);
            double[] one = asDoubles(Parallel.withThreads(1, () -> Strided.toDense(v)));
            double[] two = asDoubles(Parallel.withThreads(2, () -> Strided.toDense(v)));
            assertArrayEquals(want, one, 0.0, Shape.str(v.shape()));
            assertArrayEquals(one, two, 0.0);
        }
        assertEquals(1, TransposeCopy.tileDim(new int[] {8, 256, 64}, new int[] {64 * 256, 1, 256}));
        assertEquals(2, TransposeCopy.tileDim(new int[] {2, 16, 16, 4, 64}, new int[] {16384, 16, 1, 256, 1024}));
        assertEquals(-1, TransposeCopy.tileDim(new int[] {8, 64}, new int[] {64, 1}), "the last dimension adjacent: the row loop");
    }
}
