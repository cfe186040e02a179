package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvTest {
    @Test
    void conv2dMatchesNaiveStridedPaddedLoop() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 2, 1, true, DType.FLOAT64, Rng.seed(5));
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
        assertArrayEquals(new int[] {3, 2, 3, 2}, conv.weight.shape());
        double bound = 1 / Math.sqrt(2 * 3 * 2);
        for (double v : conv.weight.doubles()) assertTrue(Math.abs(v) <= bound);
        for (double v : conv.bias.doubles()) assertTrue(Math.abs(v) <= bound);
        Tensor x = Rng.seed(6).normal(DType.FLOAT64, 2, 2, 5, 6);
        Tensor y = conv.forward(x);
        int[] out = new int[3];
        double[] ref = Naive.conv3d(x.doubles(), new int[] {2, 2, 1, 5, 6}, conv.weight.doubles(), new int[] {3, 2, 1, 3, 2},
            conv.bias.doubles(), new int[] {1, 2, 2}, new int[] {0, 1, 1}, out);
        assertArrayEquals(new int[] {2, 3, out[1], out[2]}, y.shape());
        assertArrayEquals(new int[] {2, 3, 3, 4}, y.shape());   // floor((5 + 2 - 3) / 2) + 1 = 3, floor((6 + 2 - 2) / 2) + 1 = 4
        Close.assertClose(y.toDoubleArray(), ref, 1e-12, 1e-13);
    }

    @Test
    void conv3dMatchesNaiveLoopAndTemporalKernelKeepsShape() {
        Conv3d conv = new Conv3d(2, 2, new int[] {3, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 0, 0}, true, DType.FLOAT64, Rng.seed(7));
        assertArrayEquals(new int[] {2, 2, 3, 1, 1}, conv.weight.shape());
        Tensor x = Rng.seed(8).normal(DType.FLOAT64, 1, 2, 4, 3, 3);
        Tensor y = conv.forward(x);
        assertArrayEquals(x.shape(), y.shape());
        int[] out = new int[3];
        Close.assertClose(y.toDoubleArray(), Naive.conv3d(x.doubles(), x.shape(), conv.weight.doubles(), conv.weight.shape(), conv.bias.doubles(),
            new int[] {1, 1, 1}, new int[] {1, 0, 0}, out), 1e-12, 1e-13);

        Conv3d strided = new Conv3d(2, 3, new int[] {2, 3, 3}, new int[] {2, 2, 1}, new int[] {0, 1, 1}, false, DType.FLOAT64, Rng.seed(9));
        assertNull(strided.bias);
        Tensor z = strided.forward(x);
        double[] ref = Naive.conv3d(x.doubles(), x.shape(), strided.weight.doubles(), strided.weight.shape(), null, new int[] {2, 2, 1}, new int[] {0, 1, 1}, out);
        assertArrayEquals(new int[] {1, 3, out[0], out[1], out[2]}, z.shape());
        Close.assertClose(z.toDoubleArray(), ref, 1e-12, 1e-13);
    }

    @Test
    void badConfigurationsAreRejectedWithTheirValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(2, 3, 3, 3, 0, 1, true, DType.FLOAT32, Rng.seed(0)));
        assertTrue(e.getMessage().contains("stride 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv3d(2, 3, new int[] {3, 3}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, true, DType.FLOAT32, Rng.seed(0)));
        assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
    }
}
