package dev.vdiff.reference.train;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Space-to-depth folding: the index map by hand, the round trip, and the gradient (a permutation's transpose). */
class PatchedDenoiserTest {
    @Test
    void foldPutsEachPixelWhereTheFormulaSays() {
        int b = 2, f = 3, c = 2, h = 4, w = 6, p = 2;
        Tensor x = Rng.seed(1).normal(DType.FLOAT64, b, f, c, h, w);
        Tensor z = PatchedDenoiser.fold(x, p);
        assertArrayEquals(new int[] {b, f, c * p * p, h / p, w / p}, z.shape());
        for (int bi = 0; bi < b; bi++) for (int fi = 0; fi < f; fi++) for (int ci = 0; ci < c; ci++)
            for (int u = 0; u < p; u++) for (int v = 0; v < p; v++) for (int i = 0; i < h / p; i++) for (int j = 0; j < w / p; j++) {
                // channel (c, u, v) = c p^2 + u p + v at (i, j) holds pixel (c, i p + u, j p + v)
                assertEquals(x.get(bi, fi, ci, i * p + u, j * p + v), z.get(bi, fi, ci * p * p + u * p + v, i, j), 0.0);
            }
    }

    @Test
    void unfoldInvertsFold() {
        Tensor x = Rng.seed(2).normal(DType.FLOAT32, 1, 2, 3, 8, 4);
        assertArrayEquals(x.floats(), PatchedDenoiser.unfold(PatchedDenoiser.fold(x, 2), 2).contiguous().floats(), 0f);
        assertArrayEquals(x.floats(), PatchedDenoiser.unfold(PatchedDenoiser.fold(x, 4), 4).contiguous().floats(), 0f);
        assertThrows(IllegalArgumentException.class, () -> PatchedDenoiser.fold(Rng.seed(3).normal(DType.FLOAT32, 1, 1, 3, 6, 5), 2));
    }

    @Test
    void gradientOfFoldIsUnfold() {
        // d/dx sum(fold(x) * g) = unfold(g): the gradient of a permutation is the inverse permutation.
        Tensor x = Rng.seed(4).normal(DType.FLOAT64, 1, 2, 3, 4, 4).requiresGrad(true);
        Tensor g = Rng.seed(5).normal(DType.FLOAT64, 1, 2, 12, 2, 2);
        Reductions.sumAll(Arithmetic.mul(PatchedDenoiser.fold(x, 2), g)).backward();
        assertArrayEquals(PatchedDenoiser.unfold(g, 2).contiguous().doubles(), x.grad().contiguous().doubles(), 0.0);
    }
}
