package dev.vdiff.tensor;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Attention;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.vdiff.tensor.NormalizationTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {
    /** A random 0/1 mask of the given shape in which every row (last axis) has at least one 1. */
    static Tensor mask(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] m = new long[Shape.numel(shape)];
        int n = shape[shape.length - 1];
        for (int row = 0; row < m.length / n; row++) {
            for (int j = 0; j < n; j++) m[row * n + j] = r.nextInt(2);
            m[row * n + r.nextInt(n)] = 1;
        }
        return Tensor.ofLongs(m, shape);
    }

    @Test
    void matchesHandComputedValues() {
        Tensor q = Tensor.of(new double[] {1}, 1, 1, 1, 1);
        Tensor k = Tensor.of(new double[] {0, 2}, 1, 1, 2, 1);
        Tensor v = Tensor.of(new double[] {10, 20}, 1, 1, 2, 1);
        // scores [0, 2] (Dk = 1), P = [1, e^2] / (1 + e^2)
        double e2 = Math.exp(2), expect = (10 + 20 * e2) / (1 + e2);
        Close.assertClose(Attention.scaledDotProduct(q, k, v, null), Tensor.of(new double[] {expect}, 1, 1, 1, 1), 1e-15, 1e-14);
        Close.assertClose(Attention.scaledDotProduct(q, k, v, Tensor.ofLongs(new long[] {1, 0}, 1, 2)), Tensor.of(new double[] {10}, 1, 1, 1, 1), 0, 0);
        // Dk = 4 scales by 1/2: q = k_1 = [1, 1, 1, 1], k_0 = 0 -> scores [0, 2] again.
        Tensor q4 = Tensor.ones(DType.FLOAT32, 1, 1, 1, 4);
        Tensor k4 = Tensor.of(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 1, 1, 2, 4);
        Tensor v4 = Tensor.of(new float[] {10, 0, 0, 0, 20, 0, 0, 1}, 1, 1, 2, 4);
        Close.assertClose(Attention.scaledDotProduct(q4, k4, v4, null).to(DType.FLOAT64),
            Tensor.of(new double[] {expect, 0, 0, e2 / (1 + e2)}, 1, 1, 1, 4), 1e-6, 1e-6);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        // Sq != Sk, Dv != Dk.
        Tensor q = random(1, DType.FLOAT64, 2, 2, 3, 4).requiresGrad(true);
        Tensor k = random(2, DType.FLOAT64, 2, 2, 5, 4).requiresGrad(true);
        Tensor v = random(3, DType.FLOAT64, 2, 2, 5, 3).requiresGrad(true);
        GradCheck.check(t -> Attention.scaledDotProduct(t[0], t[1], t[2], null), q, k, v);
        Tensor m1 = mask(4, 3, 5);            // [Sq, Sk]
        GradCheck.check(t -> Attention.scaledDotProduct(t[0], t[1], t[2], m1), q, k, v);
        Tensor m2 = mask(5, 2, 1, 1, 5);      // [B, 1, 1, Sk]
        GradCheck.check(t -> Attention.scaledDotProduct(t[0], t[1], t[2], m2), q, k, v);
    }

    @Test
    void multiHeadGradientsMatchCentralDifferences() {
        Tensor q = random(6, DType.FLOAT64, 2, 3, 8).requiresGrad(true);
        Tensor k = random(7, DType.FLOAT64, 2, 4, 8).requiresGrad(true);
        Tensor v = random(8, DType.FLOAT64, 2, 4, 8).requiresGrad(true);
        GradCheck.check(t -> Attention.multiHead(t[0], t[1], t[2], 2), q, k, v);
    }

    @Test
    void maskedMultiHeadMatchesCentralDifferencesAndScaledDotProduct() {
        // A key-padding mask [S, 1, 1, Tk] (cross-attention to captions), Tq != Tk.
        int s = 2, tq = 3, tk = 4, heads = 2, hd = 3, c = heads * hd;
        Tensor q = random(16, DType.FLOAT64, s, tq, c).requiresGrad(true);
        Tensor k = random(17, DType.FLOAT64, s, tk, c).requiresGrad(true);
        Tensor v = random(18, DType.FLOAT64, s, tk, c).requiresGrad(true);
        Tensor m = Tensor.ofLongs(new long[] {1, 1, 0, 0, 1, 0, 1, 1}, s, 1, 1, tk);
        GradCheck.check(t -> Attention.multiHead(t[0], t[1], t[2], heads, m, null), q, k, v);
        Tensor mh = Attention.multiHead(q, k, v, heads, m, null);
        Tensor[] p = new Tensor[3];
        int[] len = {tq, tk, tk};
        Tensor[] in = {q, k, v};
        for (int i = 0; i < 3; i++) p[i] = in[i].reshape(s, len[i], heads, hd).permute(0, 2, 1, 3);   // [S, T, heads, hd] -> [S, heads, T, hd]
        Tensor sd = Attention.scaledDotProduct(p[0], p[1], p[2], m).permute(0, 2, 1, 3).reshape(s, tq, c);
        assertArrayEquals(sd.toDoubleArray(), mh.toDoubleArray(), 0.0);
        // Blocked keys do not matter: changing them changes nothing.
        Tensor k2 = k.copy(), v2 = v.copy();
        k2.set(9.0, 0, 3, 1);
        v2.set(-7.0, 1, 1, 4);
        assertArrayEquals(mh.toDoubleArray(), Attention.multiHead(q, k2, v2, heads, m, null).toDoubleArray(), 0.0);
    }

    @Test
    void multiHeadEqualsScaledDotProductOnPermutedInputs() {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            int s = 3, t = 37, heads = 2, hd = 32, c = heads * hd;
            Tensor[] a = {random(9, dt, s, t, c).requiresGrad(true), random(10, dt, s, t, c).requiresGrad(true), random(11, dt, s, t, c).requiresGrad(true)};
            Tensor[] b = {a[0].copy().requiresGrad(true), a[1].copy().requiresGrad(true), a[2].copy().requiresGrad(true)};
            Tensor up = random(12, dt, s, t, c);
            Tensor mh = Attention.multiHead(a[0], a[1], a[2], heads);
            mh.backward(up);
            // [S, T, C] -> [S, T, heads, hd] -> [S, heads, T, hd]
            Tensor[] p = new Tensor[3];
            for (int i = 0; i < 3; i++) p[i] = b[i].reshape(s, t, heads, hd).permute(0, 2, 1, 3);
            Tensor sd = Attention.scaledDotProduct(p[0], p[1], p[2], null).permute(0, 2, 1, 3).reshape(s, t, c);
            sd.backward(up);
            // Same values in the same order through the same kernel: the results are identical.
            assertArrayEquals(sd.toDoubleArray(), mh.toDoubleArray(), 0.0, dt + " forward");
            for (int i = 0; i < 3; i++) assertArrayEquals(b[i].grad().toDoubleArray(), a[i].grad().toDoubleArray(), 0.0, dt + " gradient of input " + i);
        }
    }

    @Test
    void probabilityHookReceivesTheSoftmaxOfTheScores() {
        int s = 2, t = 5, heads = 2, hd = 3;
        Tensor q = random(13, DType.FLOAT64, s, t, heads * hd), k = random(14, DType.FLOAT64, s, t, heads * hd), v = random(15, DType.FLOAT64, s, t, heads * hd);
        Tensor[] got = new Tensor[1];
        Attention.multiHead(q, k, v, heads, p -> got[0] = p);
        assertArrayEquals(new int[] {s, heads, t, t}, got[0].shape());
        for (int a = 0; a < s; a++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    // softmax_j (q_i . k_j / sqrt(hd)), written out
                    double[] e = new double[t];
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += q.get(a, i, h * hd + d) * k.get(a, j, h * hd + d);
                        e[j] = Math.exp(dot / Math.sqrt(hd));
                        z += e[j];
                    }
                    for (int j = 0; j < t; j++) assertEquals(e[j] / z, got[0].get(a, h, i, j), 1e-14);
                }
            }
        }
        // With a mask, blocked probabilities are exactly 0 (float32, through the vector path).
        Tensor m = mask(16, 9, 40);
        Tensor[] p32 = new Tensor[1];
        Attention.scaledDotProduct(random(17, DType.FLOAT32, 1, 2, 9, 32), random(18, DType.FLOAT32, 1, 2, 40, 32), random(19, DType.FLOAT32, 1, 2, 40, 8), m, p -> p32[0] = p);
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 9; i++) {
                double rowSum = 0;
                for (int j = 0; j < 40; j++) {
                    double pij = p32[0].get(0, h, i, j);
                    if (m.get(i, j) == 0) assertEquals(0.0, pij, 0.0);
                    rowSum += pij;
                }
                assertEquals(1.0, rowSum, 1e-5);
            }
        }
    }

    @Test
    void fullyBlockedRowsGiveZerosNotNaN() {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor q = random(20, dt, 1, 1, 2, 4).requiresGrad(true), k = random(21, dt, 1, 1, 3, 4).requiresGrad(true), v = random(22, dt, 1, 1, 3, 4).requiresGrad(true);
            Tensor out = Attention.scaledDotProduct(q, k, v, Tensor.ofLongs(new long[] {1, 0, 1, 0, 0, 0}, 2, 3));
            for (int d = 0; d < 4; d++) assertEquals(0.0, out.get(0, 0, 1, d), 0.0);
            out.backward(Tensor.ones(dt, 1, 1, 2, 4));
            for (Tensor x : new Tensor[] {q, k, v}) for (double g : x.grad().toDoubleArray()) assertTrue(Double.isFinite(g));
            for (int d = 0; d < 4; d++) assertEquals(0.0, q.grad().get(0, 0, 1, d), 0.0);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        double[][] one = run(1), two = run(2);
        for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], 0.0, "result " + i + " changed with the thread count");
    }

    private static double[][] run(int threads) {
        return Parallel.withThreads(threads, () -> runHere());
    }

    private static double[][] runHere() {
        Tensor q = random(23, DType.FLOAT32, 24, 16, 64).requiresGrad(true), k = random(24, DType.FLOAT32, 24, 16, 64).requiresGrad(true), v = random(25, DType.FLOAT32, 24, 16, 64).requiresGrad(true);
        Tensor out = Attention.multiHead(q, k, v, 2);
        out.backward(random(26, DType.FLOAT32, 24, 16, 64));
        return new double[][] {out.toDoubleArray(), q.grad().toDoubleArray(), k.grad().toDoubleArray(), v.grad().toDoubleArray()};
    }

    @Test
    void badArgumentsGiveMessagesNamingTheShapes() {
        Tensor q = Tensor.zeros(DType.FLOAT32, 2, 3, 4, 8), k = Tensor.zeros(DType.FLOAT32, 2, 3, 5, 8), v = Tensor.zeros(DType.FLOAT32, 2, 3, 5, 6);
        var e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k, v, Tensor.ofLongs(new long[8], 2, 4)));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("[2, 3, 4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, v, k, null));
        assertTrue(e.getMessage().contains("[2, 3, 5, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attention.multiHead(Tensor.zeros(DType.FLOAT32, 2, 3, 10), Tensor.zeros(DType.FLOAT32, 2, 3, 10), Tensor.zeros(DType.FLOAT32, 2, 3, 10), 4));
        assertTrue(e.getMessage().contains("4 heads") && e.getMessage().contains("[2, 3, 10]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k.to(DType.FLOAT64), v, null));
        assertTrue(e.getMessage().contains("float64"), e.getMessage());
    }
}
