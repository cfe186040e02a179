package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * GroupNorm forward and backward over flat arrays (docs/ORACLE.md §5.7), float32 and float64.
 *
 * <p>Shape legend: {@code x, out, g (upstream), dx} are {@code [N, C, L]} with {@code L} the product of the
 * spatial sizes; the {@code C} channels form {@code G} groups of {@code CG = C/G} neighbouring channels, so
 * group {@code (n, gi)} is the contiguous block {@code [(n*C + gi*CG)*L, (n*C + gi*CG + CG)*L)} of
 * {@code M = CG*L} elements. {@code weight, bias [C]} (null: no affine), {@code mean, rstd [N*G]}
 * ({@code rstd = 1/sqrt(var + eps)}, var biased), {@code dwPart, dbPart [N, C]} per-sample partial sums of
 * the parameter gradients.
 *
 * <p>Formulas, with {@code xhat = (x - mu) * rstd} and {@code gw = g * weight[c]}:
 * <pre>
 *   out     = xhat * weight[c] + bias[c]
 *   dbias   = sum over n, L of g
 *   dweight = sum over n, L of g * xhat
 *   dx      = rstd * (gw - mean_group(gw) - xhat * mean_group(gw * xhat))
 * </pre>
 * The last line is the full derivative: the two group means are the paths through {@code mu} and
 * {@code var}. Per channel it is the affine map {@code dx = a_c g - k (x - mu) - r} with
 * {@code a_c = rstd w_c}, {@code k = rstd^2 mean(gw xhat)}, {@code r = rstd mean(gw)}, so the second pass
 * is one fused multiply-add chain per element.
 *
 * <p>Every group is one task: float32 statistics are fused into one pass over the group (sums of the
 * deviations from its first value and of their squares, {@link Sums#meanAndVarianceOnePass}), float64 ones
 * use the two-pass formula (mean, then mean squared deviation); float32 sums run in float32 over short
 * blocks added into double lanes (a fixed lane pattern, see {@link Sums}), the element-wise loops take their
 * Vector API twins ({@link GroupNormSimd}, same bits), and the parameter gradients are summed
 * over the samples in order afterwards, so results do not depend on the thread count. The first pass of
 * each group reads memory; the later passes find the group (a few KiB) in L1/L2.
 */
public final class GroupNormKernels {
    private GroupNormKernels() {}

    /** Elements per task: a few groups, so small groups do not make many tiny tasks. */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private static int grain(int m) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, m));
    }

    // ------------------------------------------------------------------------------------------ float32

    /** out = groupNorm(x); fills mean and rstd [N*G]. */
    public static void forward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd,
                               int n, int c, int l, int groups, double eps) {
        int cg = c / groups, m = cg * l;
        Parallel.forRange(n * groups, grain(m), (lo, hi) -> {
            double[] mv = new double[2], scratch = Sums.scratch();
            for (int blk = lo; blk < hi; blk++) {
                int base = blk * m, c0 = (blk % groups) * cg;
                Sums.meanAndVarianceOnePass(x, base, m, mv, scratch);   // fused statistics: one read of the group
                double mu = mv[0], r = 1.0 / Math.sqrt(mv[1] + eps);
                mean[blk] = mu;
                rstd[blk] = r;
                float muF = (float) mu;
                for (int ch = 0; ch < cg; ch++) {
                    float s = (float) (weight == null ? r : r * weight[c0 + ch]);
                    float t = bias == null ? 0f : bias[c0 + ch];
                    int off = base + ch * l;
                    if (Simd.ENABLED) GroupNormSimd.normalize(x, out, off, off + l, muF, s, t);
                    else for (int i = off; i < off + l; i++) out[i] = (x[i] - muF) * s + t;
                }
            }
        });
    }

    /**
     * Backward: dx (if non-null) and the per-sample parameter partials dwPart, dbPart [N, C] (always; cheap).
     * Reduce the partials with {@link Sums#sumRows}.
     */
    public static void backward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                                float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        int cg = c / groups, m = cg * l;
        Parallel.forRange(n * groups, grain(m), (lo, hi) -> {
            double[] sums = new double[2], scratch = Sums.scratch();
            for (int blk = lo; blk < hi; blk++) {
                int base = blk * m, c0 = (blk % groups) * cg, pc = (blk / groups) * c + c0;
                double mu = mean[blk], r = rstd[blk];
                double sumGw = 0, sumGwXhat = 0;
                for (int ch = 0; ch < cg; ch++) {
                    int off = base + ch * l;
                    Sums.sumAndProductDeviation(g, x, off, l, mu, sums, scratch);
                    double sg = sums[0], sgx = sums[1] * r;   // sum g, sum g * xhat
                    dbPart[pc + ch] = sg;
                    dwPart[pc + ch] = sgx;
                    double w = weight == null ? 1 : weight[c0 + ch];
                    sumGw += w * sg;
                    sumGwXhat += w * sgx;
                }
                if (dx == null) continue;
                float muF = (float) mu;
                float k = (float) (r * sumGwXhat / m * r), rr = (float) (r * sumGw / m);
                for (int ch = 0; ch < cg; ch++) {
                    float a = (float) (weight == null ? r : r * weight[c0 + ch]);
                    int off = base + ch * l;
                    if (Simd.ENABLED) GroupNormSimd.inputGradient(g, x, dx, off, off + l, a, k, muF, rr);
                    else for (int i = off; i < off + l; i++) dx[i] = a * g[i] - k * (x[i] - muF) - rr;
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ float64

    /** out = groupNorm(x); fills mean and rstd [N*G]. */
    public static void forward(double[] x, double[] weight, double[] bias, double[] out, double[] mean, double[] rstd,
                               int n, int c, int l, int groups, double eps) {
        int cg = c / groups, m = cg * l;
        Parallel.forRange(n * groups, grain(m), (lo, hi) -> {
            double[] mv = new double[2];
            for (int blk = lo; blk < hi; blk++) {
                int base = blk * m, c0 = (blk % groups) * cg;
                Sums.meanAndVariance(x, base, m, mv);
                double mu = mv[0], r = 1.0 / Math.sqrt(mv[1] + eps);
                mean[blk] = mu;
                rstd[blk] = r;
                for (int ch = 0; ch < cg; ch++) {
                    double s = weight == null ? r : r * weight[c0 + ch];
                    double t = bias == null ? 0 : bias[c0 + ch];
                    int off = base + ch * l;
                    for (int i = off; i < off + l; i++) out[i] = (x[i] - mu) * s + t;
                }
            }
        });
    }

    /** Backward, float64; see the float32 overload. */
    public static void backward(double[] x, double[] weight, double[] g, double[] mean, double[] rstd,
                                double[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        int cg = c / groups, m = cg * l;
        Parallel.forRange(n * groups, grain(m), (lo, hi) -> {
            double[] sums = new double[2];
            for (int blk = lo; blk < hi; blk++) {
                int base = blk * m, c0 = (blk % groups) * cg, pc = (blk / groups) * c + c0;
                double mu = mean[blk], r = rstd[blk];
                double sumGw = 0, sumGwXhat = 0;
                for (int ch = 0; ch < cg; ch++) {
                    int off = base + ch * l;
                    Sums.sumAndProductDeviation(g, x, off, l, mu, sums);
                    double sg = sums[0], sgx = sums[1] * r;
                    dbPart[pc + ch] = sg;
                    dwPart[pc + ch] = sgx;
                    double w = weight == null ? 1 : weight[c0 + ch];
                    sumGw += w * sg;
                    sumGwXhat += w * sgx;
                }
                if (dx == null) continue;
                double k = r * sumGwXhat / m * r, rr = r * sumGw / m;
                for (int ch = 0; ch < cg; ch++) {
                    double a = weight == null ? r : r * weight[c0 + ch];
                    int off = base + ch * l;
                    for (int i = off; i < off + l; i++) dx[i] = a * g[i] - k * (x[i] - mu) - rr;
                }
            }
        });
    }
}
