package dev.vdiff.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Strided.toDense on views whose last axis is contiguous (rows copied as blocks): the same elements as get(). */
class StridedRowsTest {
    private static void check(Tensor view) {
        Tensor dense = view.contiguous();
        int[] s = view.shape();
        for (int i = 0; i < s[0]; i++) for (int j = 0; j < s[1]; j++) for (int k = 0; k < s[2]; k++) {
            assertEquals(view.get(i, j, k), dense.get(i, j, k), 0.0, "element " + i + "," + j + "," + k);
        }
    }

    @Test
    void broadcastRowsAndNarrowedRowsCopyTheRightElements() {
        double[] v = new double[4 * 6 * 40];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5 - 7;
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor bias = Tensor.of(java.util.Arrays.copyOf(v, 20), 20).to(dt);
            check(bias.expand(3, 5, 20));                                   // every row the same 20 elements
            check(Tensor.of(v, 4, 6, 40).to(dt).narrow(2, 3, 20));          // rows of 20 at stride 40
            check(Tensor.of(v, 4, 6, 40).to(dt).narrow(2, 3, 5));           // short rows: the element loop
            check(Tensor.of(v, 4, 6, 40).to(dt).narrow(1, 1, 4).narrow(0, 2, 2));
        }
        long[] l = new long[4 * 6 * 40];
        for (int i = 0; i < l.length; i++) l[i] = i - 100;
        Tensor li = Tensor.ofLongs(l, 4, 6, 40).narrow(2, 7, 30);
        Tensor ld = li.contiguous();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) for (int k = 0; k < 30; k++) assertEquals(l[i * 240 + j * 40 + 7 + k], ld.longs()[(i * 6 + j) * 30 + k]);
    }
}
