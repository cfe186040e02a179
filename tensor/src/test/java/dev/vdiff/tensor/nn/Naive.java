package dev.vdiff.tensor.nn;

/**
 * Textbook loops over row-major double arrays, written from the layer definitions (PyTorch docs) and used
 * as the independent reference for the layer tests. Slow on purpose; small sizes only.
 */
final class Naive {
    private Naive() {}

    /** y[n, o] = b[o] + sum_i x[n, i] w[o, i]; x [rows, in], w [out, in], b [out] or null. */
    static double[] linear(double[] x, int rows, int in, double[] w, int out, double[] b) {
        double[] y = new double[rows * out];
        for (int n = 0; n < rows; n++)
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[n * in + i] * w[o * in + i];
                y[n * out + o] = s;
            }
        return y;
    }

    /**
     * 3-D cross-correlation with zero padding; x [N, C, D, H, W], w [O, C, KD, KH, KW]; a 2-D convolution is the
     * case D = KD = 1, stride and padding 1 and 0 along depth. Returns [N, O, D', H', W'] and the output sizes.
     */
    static double[] conv3d(double[] x, int[] xs, double[] w, int[] ws, double[] b, int[] stride, int[] pad, int[] outSize) {
        int n = xs[0], c = xs[1], d = xs[2], h = xs[3], wd = xs[4];
        int o = ws[0], kd = ws[2], kh = ws[3], kw = ws[4];
        int od = (d + 2 * pad[0] - kd) / stride[0] + 1, oh = (h + 2 * pad[1] - kh) / stride[1] + 1, ow = (wd + 2 * pad[2] - kw) / stride[2] + 1;
        outSize[0] = od;
        outSize[1] = oh;
        outSize[2] = ow;
        double[] y = new double[n * o * od * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int oi = 0; oi < o; oi++)
                for (int z = 0; z < od; z++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            double s = b == null ? 0 : b[oi];
                            for (int ci = 0; ci < c; ci++)
                                for (int u = 0; u < kd; u++)
                                    for (int v = 0; v < kh; v++)
                                        for (int q = 0; q < kw; q++) {
                                            int zz = z * stride[0] + u - pad[0], ii = i * stride[1] + v - pad[1], jj = j * stride[2] + q - pad[2];
                                            if (zz < 0 || zz >= d || ii < 0 || ii >= h || jj < 0 || jj >= wd) continue;
                                            s += x[(((ni * c + ci) * d + zz) * h + ii) * wd + jj] * w[(((oi * c + ci) * kd + u) * kh + v) * kw + q];
                                        }
                            y[(((ni * o + oi) * od + z) * oh + i) * ow + j] = s;
                        }
        return y;
    }

    /** GroupNorm on x [N, C, L] (L = product of trailing dims), biased variance; gamma/beta [C] or null. */
    static double[] groupNorm(double[] x, int n, int c, int l, int groups, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        int cg = c / groups;
        for (int ni = 0; ni < n; ni++)
            for (int g = 0; g < groups; g++) {
                int from = (ni * c + g * cg) * l, count = cg * l;
                double mean = 0, var = 0;
                for (int k = 0; k < count; k++) mean += x[from + k];
                mean /= count;
                for (int k = 0; k < count; k++) var += (x[from + k] - mean) * (x[from + k] - mean);
                var /= count;
                for (int k = 0; k < count; k++) {
                    int ch = g * cg + k / l;
                    double v = (x[from + k] - mean) / Math.sqrt(var + eps);
                    y[from + k] = v * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
                }
            }
        return y;
    }

    /** Per-head softmax attention on q, k, v [S, T, C] with heads owning contiguous channel blocks. */
    static double[] attention(double[] q, double[] k, double[] v, int s, int t, int c, int heads) {
        int d = c / heads;
        double[] o = new double[s * t * c];
        double scale = 1 / Math.sqrt(d);
        for (int si = 0; si < s; si++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < t; i++) {
                    double[] p = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += q[(si * t + i) * c + h * d + e] * k[(si * t + j) * c + h * d + e];
                        p[j] = dot * scale;
                        max = Math.max(max, p[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) z += p[j] = Math.exp(p[j] - max);
                    for (int e = 0; e < d; e++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) acc += p[j] / z * v[(si * t + j) * c + h * d + e];
                        o[(si * t + i) * c + h * d + e] = acc;
                    }
                }
        return o;
    }
}
