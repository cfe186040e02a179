package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Embeddings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingsTest {
    private static final Tensor TABLE = Tensor.of(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, 3, 2);

    @Test
    void lookupHandValuesAndShape() {
        Tensor out = Embeddings.lookup(TABLE, Tensor.ofLongs(new long[] {2, 0, 2, 1}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 2}, out.shape());
        assertArrayEquals(new double[] {2, 2.5, 0, 0.5, 2, 2.5, 1, 1.5}, out.toDoubleArray());
    }

    @Test
    void lookupGradientAddsRepeatedRows() {
        Tensor w = TABLE.copy().requiresGrad(true);
        Embeddings.lookup(w, Tensor.ofLongs(new long[] {2, 0, 2}, 3)).backward(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertArrayEquals(new double[] {3, 4, 0, 0, 1 + 5, 2 + 6}, w.grad().toDoubleArray());
        GradCheck.check(t -> Embeddings.lookup(t[0], Tensor.ofLongs(new long[] {1, 1, 0}, 3)), TABLE.copy().requiresGrad(true));
    }

    @Test
    void outOfRangeIndexNamesIndexAndTableSize() {
        var e = assertThrows(IllegalArgumentException.class, () -> Embeddings.lookup(TABLE, Tensor.ofLongs(new long[] {0, 3}, 2)));
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("V=3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Embeddings.lookup(TABLE, Tensor.ofLongs(new long[] {-1}, 1)));
        assertThrows(IllegalArgumentException.class, () -> Embeddings.lookup(TABLE, Tensor.of(new double[] {0}, 1)));
    }

    @Test
    void timestepHandValues() {
        // dim 4: half 2, w_0 = 1, w_1 = exp(-ln(10000)/2) = 1/100; cosines first, then sines
        Tensor e = Embeddings.timestep(Tensor.ofLongs(new long[] {0, 1, 500}, 3), 4, DType.FLOAT64);
        assertArrayEquals(new int[] {3, 4}, e.shape());
        Close.assertClose(e, Tensor.of(new double[] {
            1, 1, 0, 0,
            Math.cos(1), Math.cos(0.01), Math.sin(1), Math.sin(0.01),
            Math.cos(500), Math.cos(5), Math.sin(500), Math.sin(5)}, 3, 4), 1e-13, 1e-13);
    }

    @Test
    void framePositionsHandValues() {
        // dim 4: u_0 = 1, u_1 = exp(-ln(10000) 2/4) = 1/100; sine and cosine interleaved
        Tensor pe = Embeddings.framePositions(3, 4, DType.FLOAT64);
        Close.assertClose(pe, Tensor.of(new double[] {
            0, 1, 0, 1,
            Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01),
            Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)}, 3, 4), 1e-13, 1e-13);
    }

    @Test
    void float32EmbeddingsStayWithinTheFloat32AngleError() {
        long[] ts = new long[1000];
        for (int i = 0; i < ts.length; i++) ts[i] = i;
        Tensor t = Tensor.ofLongs(ts, ts.length);
        // docs/ORACLE.md §5.20: a float32 angle t*w_i near t = 999 is off by up to ~6e-5
        Close.assertClose(Embeddings.timestep(t, 64, DType.FLOAT32).to(DType.FLOAT64), Embeddings.timestep(t, 64, DType.FLOAT64), 0, 1.5e-4);
        Close.assertClose(Embeddings.framePositions(16, 128, DType.FLOAT32).to(DType.FLOAT64), Embeddings.framePositions(16, 128, DType.FLOAT64), 0, 1e-5);
    }

    @Test
    void floatTimesWithIntegerValuesEmbedExactlyAsInt64() {
        long[] ts = {0, 1, 2, 17, 250, 499, 500, 998, 999, 1000};
        double[] asDouble = new double[ts.length];
        float[] asFloat = new float[ts.length];
        for (int i = 0; i < ts.length; i++) {
            asDouble[i] = ts[i];
            asFloat[i] = ts[i];
        }
        Tensor l = Tensor.ofLongs(ts, ts.length), d = Tensor.of(asDouble, ts.length), f = Tensor.of(asFloat, ts.length);
        for (DType out : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor ref = Embeddings.timestep(l, 64, out);
            for (Tensor t : new Tensor[] {d, f}) {
                Tensor e = Embeddings.timestep(t, 64, out);
                if (out == DType.FLOAT32) assertArrayEquals(ref.floats(), e.floats(), "float32 embedding of " + t.dtype() + " times");
                else assertArrayEquals(ref.doubles(), e.doubles(), "float64 embedding of " + t.dtype() + " times");
            }
        }
    }

    @Test
    void fractionalTimesFollowTheFormula() {
        // dim 4: w_0 = 1, w_1 = 1/100; a continuous flow time 737.25 (SPEC §1.6: model time 1000 t)
        Tensor e = Embeddings.timestep(Tensor.of(new double[] {737.25}, 1), 4, DType.FLOAT64);
        Close.assertClose(e, Tensor.of(new double[] {Math.cos(737.25), Math.cos(7.3725), Math.sin(737.25), Math.sin(7.3725)}, 1, 4), 1e-13, 1e-13);
        assertThrows(IllegalArgumentException.class, () -> Embeddings.timestep(Tensor.of(new double[] {Double.NaN}, 1), 4, DType.FLOAT64));
        assertThrows(IllegalArgumentException.class, () -> Embeddings.timestep(Tensor.ofLongs(new long[] {1, 2}, 1, 2), 4, DType.FLOAT64));
    }

    @Test
    void oddDimIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Embeddings.timestep(Tensor.ofLongs(new long[] {1}, 1), 5, DType.FLOAT32));
        assertThrows(IllegalArgumentException.class, () -> Embeddings.framePositions(2, 3, DType.FLOAT64));
    }
}
