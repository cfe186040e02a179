package dev.vdiff.tensor;

import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.api.Test;

import static dev.vdiff.tensor.NormalizationTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Attention#multiHeadPacked}: the narrow-view form's values without its copies. */
class AttentionPackedTest {
    /** x [S, T, in] -> linear -> qkv [S, T, 3C] -> attention -> [S, T, C]; returns {out, x.grad, W.grad, b.grad} as raw bits. */
    private static int[][] run(DType dt, boolean packed, int s, int t, int c, int heads) {
        Tensor x = random(1, dt, s, t, 5).requiresGrad(true);
        Tensor w = random(2, dt, 3 * c, 5).requiresGrad(true), b = random(3, dt, 3 * c).requiresGrad(true);
        Tensor qkv = LinearAlgebra.linear(x, w, b);
        Tensor out = packed ? Attention.multiHeadPacked(qkv, heads)
            : Attention.multiHead(qkv.narrow(2, 0, c), qkv.narrow(2, c, c), qkv.narrow(2, 2 * c, c), heads);
        out.backward(random(4, dt, s, t, c));
        return new int[][] {bits(out), bits(x.grad()), bits(w.grad()), bits(b.grad())};
    }

    private static int[] bits(Tensor t) {
        double[] d = t.toDoubleArray();
        int[] out = new int[2 * d.length];
        for (int i = 0; i < d.length; i++) {
            long l = Double.doubleToLongBits(d[i]);
            out[2 * i] = (int) (l >>> 32);
            out[2 * i + 1] = (int) l;
        }
        return out;
    }

    @Test
    void sameBitsAsTheNarrowViewsForwardAndBackward() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{3, 7, 8, 2}, {2, 40, 32, 4}, {4, 8, 128, 4}}) {
                int[][] a = run(dt, true, shape[0], shape[1], shape[2], shape[3]), e = run(dt, false, shape[0], shape[1], shape[2], shape[3]);
                String[] what = {"output", "x.grad", "W.grad", "b.grad"};
                for (int i = 0; i < a.length; i++) assertArrayEquals(e[i], a[i], dt + " " + what[i] + " differs for shape " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void qkvGradientEqualsTheNarrowFormsSumOfSlices() {
        // the narrow form's engine sums three zero-filled slices: the same values (an exact -0 may become +0 there)
        Tensor qkv = random(5, DType.FLOAT32, 3, 9, 24).requiresGrad(true), up = random(6, DType.FLOAT32, 3, 9, 8);
        Attention.multiHeadPacked(qkv, 2).backward(up);
        double[] packed = qkv.grad().toDoubleArray();
        Tensor qkv2 = random(5, DType.FLOAT32, 3, 9, 24).requiresGrad(true);
        Attention.multiHead(qkv2.narrow(2, 0, 8), qkv2.narrow(2, 8, 8), qkv2.narrow(2, 16, 8), 2).backward(up);
        double[] views = qkv2.grad().toDoubleArray();
        for (int i = 0; i < packed.length; i++) assertEquals(views[i], packed[i], 0.0, "element " + i);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor qkv = random(7, DType.FLOAT64, 2, 5, 12).requiresGrad(true);
        GradCheck.check(t -> Attention.multiHeadPacked(t[0], 2), qkv);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int[][] one = Parallel.withThreads(1, () -> run(DType.FLOAT32, true, 24, 16, 64, 2));
        int[][] two = Parallel.withThreads(2, () -> run(DType.FLOAT32, true, 24, 16, 64, 2));
        for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], "result " + i + " changed with the thread count");
    }

    @Test
    void stridedQkvIsReadThroughACopy() {
        Tensor base = random(8, DType.FLOAT64, 2, 24, 6);
        Tensor strided = base.transpose(1, 2);   // [2, 6, 24], not dense
        Tensor dense = strided.contiguous();
        assertArrayEquals(Attention.multiHeadPacked(dense, 2).toDoubleArray(), Attention.multiHeadPacked(strided, 2).toDoubleArray(), 0.0);
    }

    @Test
    void badShapesGiveOneLineNamingTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Attention.multiHeadPacked(Tensor.zeros(DType.FLOAT32, 2, 3, 10), 1));
        assertTrue(e.getMessage().contains("[2, 3, 10]") && e.getMessage().contains("3C"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attention.multiHeadPacked(Tensor.zeros(DType.FLOAT32, 2, 3, 12), 3));
        assertTrue(e.getMessage().contains("3 heads") && e.getMessage().contains("[2, 3, 12]"), e.getMessage());
    }
}
