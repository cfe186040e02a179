package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddingTest {
    @Test
    void embeddingIsStandardNormalAndLooksUpRows() {
        Embedding emb = new Embedding(100, 64, DType.FLOAT64, Rng.seed(1));
        assertEquals(List.of("weight"), List.copyOf(emb.namedParameters().keySet()));
        double[] w = emb.weight.doubles();
        double mean = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / w.length;
        assertEquals(0, mean, 4 / Math.sqrt(w.length));
        assertEquals(1, var, 4 * Math.sqrt(2.0 / w.length));
        Tensor y = emb.forward(Tensor.ofLongs(new long[] {3, 99, 3, 0}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 64}, y.shape());
        double[] yd = y.toDoubleArray();
        long[] idx = {3, 99, 3, 0};
        for (int r = 0; r < 4; r++) assertArrayEquals(Arrays.copyOfRange(w, (int) idx[r] * 64, (int) idx[r] * 64 + 64), Arrays.copyOfRange(yd, r * 64, r * 64 + 64), 0);
        // L = sum(y): each table row collects one per use; row 3 is used twice.
        y.backward(Tensor.ones(DType.FLOAT64, 2, 2, 64));
        double[] g = emb.weight.grad().toDoubleArray();
        for (int row = 0; row < 100; row++) {
            double uses = row == 3 ? 2 : row == 99 || row == 0 ? 1 : 0;
            for (int d = 0; d < 64; d++) assertEquals(uses, g[row * 64 + d], 0, "row " + row);
        }
    }
}
