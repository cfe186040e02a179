package dev.vdiff.diffusion.unet;

import dev.vdiff.diffusion.text.TextEncoderConfig;
import dev.vdiff.diffusion.text.TextFeatures;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.vdiff.diffusion.unet.VideoUNetGradientTest.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cross-attention block on its own: against the formula written out in loops, against central differences
 * (with the padding mask), and the mask's meaning (what is hidden does not matter).
 */
class CrossAttentionTest {
    static final int B = 2, F = 2, C = 16, R1 = 2, R2 = 3, L = 4, D = 8, HEADS = 2;
    static final VideoUNetConfig CFG = new VideoUNetConfig(F, 2, List.of(new VideoUNetConfig.Level(8, false, false),
        new VideoUNetConfig.Level(C, true, true)), HEADS, C / HEADS, 4, 1e-5, 0, 8, 16, new TextEncoderConfig(10, L, D, 1, 2, 1e-5));
    static final Tensor MASK = Tensor.ofLongs(new long[] {1, 1, 0, 0, 1, 0, 1, 1}, B, L);

    static CrossAttention block(long seed) {
        CrossAttention a = new CrossAttention(DType.FLOAT64, C, D, CFG, Rng.seed(seed));
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : a.namedParameters().entrySet()) {
            double[] v = e.getValue().doubles();
            boolean norm = e.getKey().startsWith("norm");
            for (int i = 0; i < v.length; i++) v[i] = (norm && e.getKey().endsWith("weight") ? 1 : 0) + (r.nextDouble() * 2 - 1) * (norm ? 0.2 : 0.4);
        }
        return a;
    }

    @Test
    void matchesTheFormulaWrittenOut() {
        CrossAttention a = block(1);
        Tensor h = randn(DType.FLOAT64, 2, B * F, C, R1, R2), ctx = randn(DType.FLOAT64, 3, B, L, D);
        var p = a.namedParameters();
        double[] g = p.get("norm.weight").doubles(), bt = p.get("norm.bias").doubles(), wq = p.get("to_q.weight").doubles(), wk = p.get("to_k.weight").doubles(),
            wv = p.get("to_v.weight").doubles(), wo = p.get("to_out.weight").doubles(), bo = p.get("to_out.bias").doubles();
        double[] hv = h.doubles(), cv = ctx.doubles();
        long[] m = MASK.longs();
        int t = R1 * R2, hd = C / HEADS;
        double[] expect = hv.clone();
        for (int n = 0; n < B * F; n++) {
            int b = n / F;   // frame row n = b*F + f reads video b's caption
            double[][] k = new double[L][C], v = new double[L][C];
            for (int j = 0; j < L; j++) {
                for (int o = 0; o < C; o++) {
                    for (int i = 0; i < D; i++) {
                        k[j][o] += wk[o * D + i] * cv[(b * L + j) * D + i];
                        v[j][o] += wv[o * D + i] * cv[(b * L + j) * D + i];
                    }
                }
            }
            for (int r = 0; r < t; r++) {
                double[] x = new double[C];
                double mu = 0, var = 0;
                for (int c = 0; c < C; c++) mu += (x[c] = hv[(n * C + c) * t + r]) / C;
                for (int c = 0; c < C; c++) var += (x[c] - mu) * (x[c] - mu) / C;
                for (int c = 0; c < C; c++) x[c] = (x[c] - mu) / Math.sqrt(var + 1e-5) * g[c] + bt[c];
                double[] q = new double[C], att = new double[C];
                for (int o = 0; o < C; o++) for (int c = 0; c < C; c++) q[o] += wq[o * C + c] * x[c];
                for (int head = 0; head < HEADS; head++) {
                    double[] s = new double[L];
                    double max = Double.NEGATIVE_INFINITY, z = 0;
                    for (int j = 0; j < L; j++) {
                        if (m[b * L + j] == 0) continue;
                        for (int d = head * hd; d < (head + 1) * hd; d++) s[j] += q[d] * k[j][d] / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    for (int j = 0; j < L; j++) if (m[b * L + j] != 0) z += Math.exp(s[j] - max);
                    for (int j = 0; j < L; j++) {
                        if (m[b * L + j] == 0) continue;
                        double pj = Math.exp(s[j] - max) / z;
                        for (int d = head * hd; d < (head + 1) * hd; d++) att[d] += pj * v[j][d];
                    }
                }
                for (int o = 0; o < C; o++) {
                    double y = bo[o];
                    for (int c = 0; c < C; c++) y += wo[o * C + c] * att[c];
                    expect[(n * C + o) * t + r] += y;
                }
            }
        }
        Close.assertClose(a.forward(h, new TextFeatures(ctx, MASK)).toDoubleArray(), expect, 1e-12, 1e-12);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        CrossAttention a = block(4);
        Tensor h = randn(DType.FLOAT64, 5, B * F, C, R1, R2).requiresGrad(true), ctx = randn(DType.FLOAT64, 6, B, L, D).requiresGrad(true);
        // Inputs element by element (the caption gradient sums over the F frames that read it; hidden tokens get 0).
        GradCheck.check(in -> a.forward(in[0], new TextFeatures(in[1], MASK)), h, ctx);
        // to_k element by element (its gradient sums the F frames of each video); every parameter along random directions.
        Tensor hc = h.copy(), cc = ctx.copy();
        var p = a.namedParameters();
        GradCheck.checkInPlace(() -> a.forward(hc, new TextFeatures(cc, MASK)), p.get("to_k.weight"), p.get("norm.weight"));
        GradCheck.checkDirectionInPlace(() -> a.forward(hc, new TextFeatures(cc, MASK)), 4, 12, a.parameters().toArray(new Tensor[0]));
    }

    @Test
    void hiddenTokensDoNotMatterAndGetNoGradient() {
        CrossAttention a = block(7);
        Tensor h = randn(DType.FLOAT64, 8, B * F, C, R1, R2), ctx = randn(DType.FLOAT64, 9, B, L, D).requiresGrad(true);
        Tensor out = a.forward(h, new TextFeatures(ctx, MASK));
        out.backward(randn(DType.FLOAT64, 10, B * F, C, R1, R2));
        double[] grad = ctx.grad().toDoubleArray();
        Tensor changed = ctx.copy();
        long[] m = MASK.longs();
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < L; j++) {
                for (int d = 0; d < D; d++) {
                    if (m[b * L + j] != 0) continue;
                    changed.set(100.0 + d, b, j, d);
                    assertEquals(0.0, grad[(b * L + j) * D + d], 0.0, "gradient of hidden token " + b + "," + j);
                }
            }
        }
        assertArrayEquals(out.toDoubleArray(), a.forward(h, new TextFeatures(changed, MASK)).toDoubleArray(), 0.0);
    }
}
