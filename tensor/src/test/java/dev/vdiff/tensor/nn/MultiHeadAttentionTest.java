package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MultiHeadAttentionTest {
    @Test
    void attentionMatchesQkvProjectionSoftmaxAndOutputProjection() {
        int s = 2, t = 3, c = 4, heads = 2;
        MultiHeadAttention attn = new MultiHeadAttention(c, heads, DType.FLOAT64, Rng.seed(2));
        assertEquals(List.of("qkv.weight", "qkv.bias", "proj.weight", "proj.bias"), List.copyOf(attn.namedParameters().keySet()));
        assertArrayEquals(new int[] {3 * c, c}, attn.qkv.weight.shape());
        Tensor x = Rng.seed(3).normal(DType.FLOAT64, s, t, c);
        double[] h = Naive.linear(x.doubles(), s * t, c, attn.qkv.weight.doubles(), 3 * c, attn.qkv.bias.doubles());   // [S*T, 3C]
        double[] q = new double[s * t * c], k = new double[s * t * c], v = new double[s * t * c];
        for (int r = 0; r < s * t; r++) {
            System.arraycopy(h, r * 3 * c, q, r * c, c);
            System.arraycopy(h, r * 3 * c + c, k, r * c, c);
            System.arraycopy(h, r * 3 * c + 2 * c, v, r * c, c);
        }
        double[] o = Naive.attention(q, k, v, s, t, c, heads);
        double[] ref = Naive.linear(o, s * t, c, attn.proj.weight.doubles(), c, attn.proj.bias.doubles());
        Tensor y = attn.forward(x);
        assertArrayEquals(new int[] {s, t, c}, y.shape());
        Close.assertClose(y.toDoubleArray(), ref, 1e-10, 1e-12);
    }

    @Test
    void attentionGradientWithRespectToTokensMatchesCentralDifferences() {
        MultiHeadAttention attn = new MultiHeadAttention(4, 2, DType.FLOAT64, Rng.seed(4));
        Tensor x = Rng.seed(5).normal(DType.FLOAT64, 2, 3, 4).requiresGrad(true);
        GradCheck.check(in -> attn.forward(in[0]), x);
    }

    @Test
    void attentionRejectsWrongShapes() {
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(6, 4, DType.FLOAT32, Rng.seed(0)));
        MultiHeadAttention attn = new MultiHeadAttention(4, 2, DType.FLOAT32, Rng.seed(0));
        assertThrows(IllegalArgumentException.class, () -> attn.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 5)));
    }
}
