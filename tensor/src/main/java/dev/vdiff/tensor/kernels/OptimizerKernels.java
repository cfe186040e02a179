package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * The optimizer's update loops over flat arrays: AdamW ({@code optim.AdamW}), the EMA of the parameters
 * ({@code optim.Ema}) and the two halves of gradient clipping by global norm ({@code optim.GradClip}: the sum of
 * squares and the scaling). Every array is one parameter's dense storage {@code [n]} (its gradient, moments and
 * average have the same shape, any rank, flattened). The formulas, with their sources, are in the optimizer classes;
 * here they are written once per dtype.
 *
 * <p>Float32 values are computed in double from the stored floats and rounded where PyTorch stores a tensor; float64
 * is double throughout. The element-wise loops split {@code [0, n)} over {@link Parallel} and take their Vector API
 * twins ({@link OptimizerSimd}, operation for operation the same expression, no fused multiply-add: the same bits);
 * the sum of squares adds each fixed block of {@link #BLOCK} elements in index order and the blocks in block order,
 * so no result depends on the thread count or on whether the vector path runs.
 */
public final class OptimizerKernels {
    private OptimizerKernels() {}

    /** Elements per task of the element-wise loops, and per partial sum of {@link #sumOfSquares}. */
    public static final int BLOCK = 1 << 14;

    /**
     * The coefficients of one AdamW step of one parameter at its step t (see {@code optim.AdamW}):
     * {@code decay = 1 - lr * weight_decay}, {@code stepSize = lr / (1 - beta1^t)}, {@code bc2Sqrt = sqrt(1 - beta2^t)}.
     */
    public record AdamWStep(double decay, double beta1, double beta2, double eps, double stepSize, double bc2Sqrt) {}

    // ------------------------------------------------------------------------------------------ AdamW

    /**
     * Whether the float32 AdamW takes its Vector API twin: on JDK 17 the twin is 2.3x faster than the scalar loop;
     * JDK 25's C2 vectorises the scalar loop by itself (float/double conversions, square root and division
     * included) and runs it 6x faster than the twin, whose conversions it does not fully inline
     * (docs/PERFORMANCE.md, "gn8, session 8"). Same bits either way.
     */
    static final boolean VECTOR_ADAMW = Simd.ENABLED && Runtime.version().feature() < 25;

    /** One AdamW step in place: p, m, v [n] updated from g [n]. */
    public static void adamw(float[] p, float[] g, float[] m, float[] v, int n, AdamWStep s) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            if (VECTOR_ADAMW) OptimizerSimd.adamw(p, g, m, v, lo, hi, s);
            else adamwScalar(p, g, m, v, lo, hi, s);
        });
    }

    /** One AdamW step in place: p, m, v [n] updated from g [n] (float64). */
    public static void adamw(double[] p, double[] g, double[] m, double[] v, int n, AdamWStep s) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            if (Simd.ENABLED) OptimizerSimd.adamw(p, g, m, v, lo, hi, s);
            else adamwScalar(p, g, m, v, lo, hi, s);
        });
    }

    /** Elements [lo, hi) of {@link #adamw(float[], float[], float[], float[], int, AdamWStep)}. */
    static void adamwScalar(float[] p, float[] g, float[] m, float[] v, int lo, int hi, AdamWStep s) {
        double decay = s.decay(), b1 = s.beta1(), b2 = s.beta2(), eps = s.eps(), stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt();
        for (int i = lo; i < hi; i++) {
            double gi = g[i];
            double pd = (float) (p[i] * decay);
            float mi = (float) (m[i] + (1 - b1) * (gi - m[i]));
            float vi = (float) (b2 * v[i] + (1 - b2) * gi * gi);
            double denom = Math.sqrt(vi) / bc2Sqrt + eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = (float) (pd - stepSize * mi / denom);
        }
    }

    /** Elements [lo, hi) of {@link #adamw(double[], double[], double[], double[], int, AdamWStep)}. */
    static void adamwScalar(double[] p, double[] g, double[] m, double[] v, int lo, int hi, AdamWStep s) {
        double decay = s.decay(), b1 = s.beta1(), b2 = s.beta2(), eps = s.eps(), stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt();
        for (int i = lo; i < hi; i++) {
            double gi = g[i];
            double pd = p[i] * decay;
            double mi = m[i] + (1 - b1) * (gi - m[i]);
            double vi = b2 * v[i] + (1 - b2) * gi * gi;
            double denom = Math.sqrt(vi) / bc2Sqrt + eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = pd - stepSize * mi / denom;
        }
    }

    // ------------------------------------------------------------------------------------------ EMA

    /** {@code shadow = shadow + w * (param - shadow)} in place, shadow and param [n], {@code w = 1 - decay}. */
    public static void ema(float[] shadow, float[] param, int n, double w) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            if (Simd.ENABLED) OptimizerSimd.ema(shadow, param, lo, hi, w);
            else emaScalar(shadow, param, lo, hi, w);
        });
    }

    /** As {@link #ema(float[], float[], int, double)}, float64. */
    public static void ema(double[] shadow, double[] param, int n, double w) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            if (Simd.ENABLED) OptimizerSimd.ema(shadow, param, lo, hi, w);
            else emaScalar(shadow, param, lo, hi, w);
        });
    }

    static void emaScalar(float[] s, float[] p, int lo, int hi, double w) {
        for (int i = lo; i < hi; i++) s[i] = (float) (s[i] + w * ((double) p[i] - s[i]));
    }

    static void emaScalar(double[] s, double[] p, int lo, int hi, double w) {
        for (int i = lo; i < hi; i++) s[i] = s[i] + w * (p[i] - s[i]);
    }

    // ------------------------------------------------------------------------------------------ gradient clipping

    /**
     * The sum of squares of x [n] in double: each block of {@link #BLOCK} elements summed in index order, the
     * blocks' sums added in block order. Scalar on purpose: vector lanes would add in another order (other bits).
     * A block's sum is one chain of dependent additions (an add's latency per element), so a task runs four
     * blocks' chains side by side ({@link #blockSumsOfSquares}); each chain adds exactly what it added alone.
     */
    public static double sumOfSquares(float[] x, int n) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, 1, (lo, hi) -> blockSumsOfSquares(x, n, lo, hi, partial));
        double s = 0;
        for (double v : partial) s += v;
        return s;
    }

    /** partial[b] = sum of x[i]^2 over block b, for blocks [lo, hi), in index order within each block; four full blocks at a time. */
    static void blockSumsOfSquares(float[] x, int n, int lo, int hi, double[] partial) {
        int b = lo;
        for (; b + 4 <= hi && (b + 4) * BLOCK <= n; b += 4) {
            int i0 = b * BLOCK, i1 = i0 + BLOCK, i2 = i1 + BLOCK, i3 = i2 + BLOCK;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int k = 0; k < BLOCK; k++) {
                s0 += (double) x[i0 + k] * x[i0 + k];
                s1 += (double) x[i1 + k] * x[i1 + k];
                s2 += (double) x[i2 + k] * x[i2 + k];
                s3 += (double) x[i3 + k] * x[i3 + k];
            }
            partial[b] = s0;
            partial[b + 1] = s1;
            partial[b + 2] = s2;
            partial[b + 3] = s3;
        }
        for (; b < hi; b++) {
            double s = 0;
            for (int i = b * BLOCK, e = Math.min(n, i + BLOCK); i < e; i++) s += (double) x[i] * x[i];
            partial[b] = s;
        }
    }

    /** As {@link #sumOfSquares(float[], int)}, float64. */
    public static double sumOfSquares(double[] x, int n) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, 1, (lo, hi) -> blockSumsOfSquares(x, n, lo, hi, partial));
        double s = 0;
        for (double v : partial) s += v;
        return s;
    }

    /** As {@link #blockSumsOfSquares(float[], int, int, int, double[])}, float64. */
    static void blockSumsOfSquares(double[] x, int n, int lo, int hi, double[] partial) {
        int b = lo;
        for (; b + 4 <= hi && (b + 4) * BLOCK <= n; b += 4) {
            int i0 = b * BLOCK, i1 = i0 + BLOCK, i2 = i1 + BLOCK, i3 = i2 + BLOCK;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int k = 0; k < BLOCK; k++) {
                s0 += x[i0 + k] * x[i0 + k];
                s1 += x[i1 + k] * x[i1 + k];
                s2 += x[i2 + k] * x[i2 + k];
                s3 += x[i3 + k] * x[i3 + k];
            }
            partial[b] = s0;
            partial[b + 1] = s1;
            partial[b + 2] = s2;
            partial[b + 3] = s3;
        }
        for (; b < hi; b++) {
            double s = 0;
            for (int i = b * BLOCK, e = Math.min(n, i + BLOCK); i < e; i++) s += x[i] * x[i];
            partial[b] = s;
        }
    }

    /** {@code x = x * c} in place, x [n] (a float32 product: PyTorch multiplies by the coefficient cast to the dtype). */
    public static void scale(float[] x, int n, float c) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            if (Simd.ENABLED) OptimizerSimd.scale(x, lo, hi, c);
            else scaleScalar(x, lo, hi, c);
        });
    }

    /** As {@link #scale(float[], int, float)}, float64. */
    public static void scale(double[] x, int n, double c) {
        Parallel.forRange(n, BLOCK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) x[i] *= c;
        });
    }

    static void scaleScalar(float[] x, int lo, int hi, float c) {
        for (int i = lo; i < hi; i++) x[i] *= c;
    }
}
