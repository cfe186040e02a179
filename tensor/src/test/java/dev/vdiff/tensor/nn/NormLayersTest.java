package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormLayersTest {
    @Test
    void groupNormStartsAsPlainNormalisationAndAppliesItsAffineMap() {
        GroupNorm gn = new GroupNorm(2, 4, 1e-5, true, DType.FLOAT64);
        assertEquals(List.of("weight", "bias"), List.copyOf(gn.namedParameters().keySet()));
        assertArrayEquals(new double[] {1, 1, 1, 1}, gn.weight.doubles(), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, gn.bias.doubles(), 0);
        Tensor x = Rng.seed(1).normal(2, 3, DType.FLOAT64, 2, 4, 3, 2);
        double[] xs = x.doubles();
        Close.assertClose(gn.forward(x).toDoubleArray(), Naive.groupNorm(xs, 2, 4, 6, 2, null, null, 1e-5), 1e-10, 1e-12);
        double[] g = {0.5, -1, 2, 1.5}, b = {0.1, 0.2, -0.3, 0};
        System.arraycopy(g, 0, gn.weight.doubles(), 0, 4);
        System.arraycopy(b, 0, gn.bias.doubles(), 0, 4);
        Close.assertClose(gn.forward(x).toDoubleArray(), Naive.groupNorm(xs, 2, 4, 6, 2, g, b, 1e-5), 1e-10, 1e-12);
        GroupNorm plain = new GroupNorm(4, 4, 1e-6, false, DType.FLOAT64);
        assertEquals(0, plain.parameterCount());
        Close.assertClose(plain.forward(x).toDoubleArray(), Naive.groupNorm(xs, 2, 4, 6, 4, null, null, 1e-6), 1e-10, 1e-12);
    }

    @Test
    void layerNormNormalisesEachRow() {
        LayerNorm ln = new LayerNorm(5, 1e-5, true, DType.FLOAT64);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.namedParameters().keySet()));
        Tensor x = Rng.seed(2).normal(1, 2, DType.FLOAT64, 3, 2, 5);
        double[] g = {1, 2, 0.5, -1, 0}, b = {0, 1, 0, 0.5, 3};
        System.arraycopy(g, 0, ln.weight.doubles(), 0, 5);
        System.arraycopy(b, 0, ln.bias.doubles(), 0, 5);
        // LayerNorm over the last axis is the naive group norm of the 6 rows viewed as [6, C = 5, L = 1], one group.
        Close.assertClose(ln.forward(x).toDoubleArray(), Naive.groupNorm(x.doubles(), 6, 5, 1, 1, g, b, 1e-5), 1e-10, 1e-12);
        assertArrayEquals(x.shape(), ln.forward(x).shape());
    }

    @Test
    void badNormConfigurationsNameTheirValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4, 1e-5, true, DType.FLOAT32));
        assertTrue(e.getMessage().contains("(4)") && e.getMessage().contains("(3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4, 0, true, DType.FLOAT32));
    }
}
