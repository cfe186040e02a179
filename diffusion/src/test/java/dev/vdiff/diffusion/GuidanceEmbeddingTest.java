package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.5: emb(w) = [sin(1000 w freq), cos(1000 w freq)], freq_j = 10000^(-j/(half-1)). */
class GuidanceEmbeddingTest {
    @Test
    void handValuesSinFirstAndDivisionByHalfMinusOne() {
        // dim 4: half 2, freq = [1, 10000^-1]; w = 0.5 -> u = 500.
        Tensor e = GuidanceEmbedding.embed(Tensor.of(new double[] {0.5, 0}, 2), 4, DType.FLOAT64);
        assertArrayEquals(new int[] {2, 4}, e.shape());
        Close.assertClose(e.doubles(), new double[] {Math.sin(500), Math.sin(0.05), Math.cos(500), Math.cos(0.05), 0, 0, 1, 1}, 1e-14, 1e-14);
        // dim 256 (T2V-Turbo): the last frequency is exactly 1/10000, so column 127 is sin(u / 10000).
        Tensor big = GuidanceEmbedding.embed(7.5, 1, 256, DType.FLOAT64);
        assertEquals(Math.sin(7500 * 1e-4), big.get(0, 127), 1e-14);
        assertEquals(Math.cos(7500 * 1e-4), big.get(0, 255), 1e-14);
        assertEquals(Math.sin(7500), big.get(0, 0), 1e-12);
    }

    @Test
    void oddWidthIsZeroPadded() {
        Tensor e = GuidanceEmbedding.embed(Tensor.of(new double[] {0.3}, 1), 7, DType.FLOAT64);
        assertArrayEquals(new int[] {1, 7}, e.shape());
        assertEquals(0.0, e.get(0, 6));
        Close.assertClose(e.narrow(1, 0, 6), GuidanceEmbedding.embed(Tensor.of(new double[] {0.3}, 1), 6, DType.FLOAT64), 0, 0);
    }

    @Test
    void float32FollowsFloat64() {
        Tensor w = Tensor.of(new double[] {5, 9.25, 15}, 3);
        Tensor e64 = GuidanceEmbedding.embed(w, 256, DType.FLOAT64), e32 = GuidanceEmbedding.embed(w.to(DType.FLOAT32), 256, DType.FLOAT32);
        assertEquals(DType.FLOAT32, e32.dtype());
        // Angles up to 15000 rad carry float32 rounding of ~1e-3 rad (ulp(15000) = 2^-10).
        Close.assertClose(e32.to(DType.FLOAT64), e64, 0, 3e-3);
    }

    @Test
    void badArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> GuidanceEmbedding.embed(Tensor.of(new double[] {1}, 1), 2, DType.FLOAT32));
        assertTrue(e.getMessage().contains("dim must be >= 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GuidanceEmbedding.embed(Tensor.ofLongs(new long[] {1}, 1), 8, DType.FLOAT32));
        assertTrue(e.getMessage().contains("int64[1]"), e.getMessage());
    }
}
