package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearAlgebraTest {
    @Test
    void matmulAndLinearMatchHandComputedValues() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new double[] {4, 5, 10, 11}, LinearAlgebra.matmul(a, b).toDoubleArray());
        Tensor lin = LinearAlgebra.linear(a, b.transpose(0, 1), Tensor.of(new double[] {10, 20}, 2));
        assertArrayEquals(new int[] {2, 2}, lin.shape());
        assertArrayEquals(new double[] {14, 25, 20, 31}, lin.toDoubleArray());
        // float32, a transposed view as the left operand: A^T with A = [[1,2],[3,4]] -> [[1,3],[2,4]] . I
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).transpose(0, 1);
        assertArrayEquals(new double[] {1, 3, 2, 4}, LinearAlgebra.matmul(m, Tensor.of(new float[] {1, 0, 0, 1}, 2, 2)).toDoubleArray());
    }

    @Test
    void batchBroadcastGivesTheShapeAndValuesOfPerMatrixProducts() {
        SplittableRandom rnd = new SplittableRandom(3);
        Tensor a = random(rnd, 2, 1, 3, 4), b = random(rnd, 5, 4, 2);
        Tensor c = LinearAlgebra.matmul(a, b);
        assertArrayEquals(new int[] {2, 5, 3, 2}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                for (int m = 0; m < 3; m++) {
                    for (int n = 0; n < 2; n++) {
                        double s = 0;
                        for (int k = 0; k < 4; k++) s += a.get(i, 0, m, k) * b.get(j, k, n);
                        assertTrue(Math.abs(s - c.get(i, j, m, n)) <= 1e-14, "element " + i + "," + j + "," + m + "," + n);
                    }
                }
            }
        }
    }

    @Test
    void matmulGradientsMatchCentralDifferences() {
        SplittableRandom rnd = new SplittableRandom(11);
        GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), leaf(rnd, 3, 4), leaf(rnd, 4, 5));
        GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), leaf(rnd, 2, 1, 3, 4), leaf(rnd, 5, 4, 2));   // both broadcast
        GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), leaf(rnd, 4, 5), leaf(rnd, 3, 5, 2));         // rank-2 left operand
        GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), leaf(rnd, 2, 3, 6), leaf(rnd, 6, 2));         // rank-2 right operand
        GradCheck.check(x -> LinearAlgebra.matmul(x[0].transpose(1, 2), x[1].transpose(0, 1)), leaf(rnd, 2, 6, 3), leaf(rnd, 2, 6));   // views
        // big enough for the packed kernel path (not the direct loop)
        GradCheck.checkDirection(x -> LinearAlgebra.matmul(x[0], x[1]), 3, 5, leaf(rnd, 2, 40, 70), leaf(rnd, 70, 50));
    }

    @Test
    void linearGradientsMatchCentralDifferences() {
        SplittableRandom rnd = new SplittableRandom(12);
        GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], x[2]), leaf(rnd, 5, 7), leaf(rnd, 4, 7), leaf(rnd, 4));
        GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], null), leaf(rnd, 2, 3, 8), leaf(rnd, 6, 8));
        GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], x[2]), leaf(rnd, 8), leaf(rnd, 3, 8), leaf(rnd, 3));
        GradCheck.check(x -> LinearAlgebra.linear(x[0].transpose(0, 1), x[1], x[2]), leaf(rnd, 7, 5), leaf(rnd, 4, 7), leaf(rnd, 4));
        GradCheck.checkDirection(x -> LinearAlgebra.linear(x[0], x[1], x[2]), 3, 7, leaf(rnd, 3, 30, 64), leaf(rnd, 96, 64), leaf(rnd, 96));
    }

    static List<GoldenCases.Case> matmulCases() {
        return GoldenCases.load("matmul");
    }

    static List<GoldenCases.Case> linearCases() {
        return GoldenCases.load("linear");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matmulCases")
    void matmulMatchesGoldenCases(GoldenCases.Case c) {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) GoldenCases.check(c, dt, in -> LinearAlgebra.matmul(in.get("a"), in.get("b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linearCases")
    void linearMatchesGoldenCases(GoldenCases.Case c) {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) GoldenCases.check(c, dt, in -> LinearAlgebra.linear(in.get("x"), in.get("weight"), in.get("bias")));
    }

    @Test
    void resultsAndGradientsDoNotDependOnTheThreadCount() {
        double[][] results = new double[2][];
        for (int threads = 1; threads <= 2; threads++) {
            int th = threads;
            results[th - 1] = Parallel.withThreads(th, () -> {
                SplittableRandom rnd = new SplittableRandom(21);
                Tensor x = random32(rnd, 4, 33, 70).requiresGrad(true), w = random32(rnd, 90, 70).requiresGrad(true), b = random32(rnd, 90).requiresGrad(true);
                Tensor y = LinearAlgebra.matmul(LinearAlgebra.linear(x, w, b), random32(rnd, 4, 90, 60));
                y.backward(random32(rnd, 4, 33, 60));
                return concat(y.toDoubleArray(), x.grad().toDoubleArray(), w.grad().toDoubleArray(), b.grad().toDoubleArray());
            });
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void badShapesGiveMessagesNamingTheShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3), b = Tensor.zeros(DType.FLOAT32, 4, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.matmul(a, b));
        assertTrue(e.getMessage().startsWith("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.matmul(Tensor.zeros(DType.FLOAT32, 2, 2, 3), Tensor.zeros(DType.FLOAT32, 3, 3, 1)));
        assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.linear(a, Tensor.zeros(DType.FLOAT32, 4, 2), null));
        assertTrue(e.getMessage().startsWith("linear") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.matmul(a, Tensor.zeros(DType.FLOAT64, 3, 2)));
        assertTrue(e.getMessage().contains("FLOAT64") || e.getMessage().contains("float64"), e.getMessage());
    }

    static double[] concat(double[]... xs) {
        return java.util.Arrays.stream(xs).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        double[] d = t.doubles();
        for (int i = 0; i < d.length; i++) d[i] = rnd.nextDouble(-1, 1);
        return t;
    }

    static Tensor random32(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextDouble(-1, 1);
        return t;
    }

    static Tensor leaf(SplittableRandom rnd, int... shape) {
        return random(rnd, shape).requiresGrad(true);
    }
}
