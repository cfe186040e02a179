package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Fused regression losses over flat arrays {@code a} (input) and {@code b} (target) of one length n:
 * the sum of a per-element penalty of {@code d = a - b}, and its gradient with respect to {@code a}
 * (the target's gradient is its negative). Sums run in double over fixed blocks
 * ({@link ReduceKernels#blockedSum}), so they are deterministic.
 * <pre>
 *   squared error:  p(d) = d^2                        p'(d) = 2 d
 *   pseudo-Huber:   p(d) = sqrt(d^2 + c^2) - c         p'(d) = d / sqrt(d^2 + c^2)
 * </pre>
 * The pseudo-Huber penalty is evaluated as {@code d^2 / (sqrt(d^2 + c^2) + c)}, the same number without
 * the cancellation of {@code sqrt(...) - c} when |d| is much smaller than c.
 */
public final class LossKernels {
    private LossKernels() {}

    private static final int GRAIN = 1 << 15;

    /** sum_i (a[i] - b[i])^2;  a, b [n]. */
    public static double squaredErrorSum(float[] a, float[] b, int n) {
        return ReduceKernels.blockedSum(n, (lo, hi) -> {
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double d = (double) a[i] - b[i];
                s += d * d;
            }
            return s;
        });
    }

    /** sum_i (a[i] - b[i])^2;  a, b [n]. */
    public static double squaredErrorSum(double[] a, double[] b, int n) {
        return ReduceKernels.blockedSum(n, (lo, hi) -> {
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double d = a[i] - b[i];
                s += d * d;
            }
            return s;
        });
    }

    /** sum_i sqrt((a[i] - b[i])^2 + c^2) - c;  a, b [n]. */
    public static double pseudoHuberSum(float[] a, float[] b, int n, double c) {
        double c2 = c * c;
        return ReduceKernels.blockedSum(n, (lo, hi) -> {
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double d = (double) a[i] - b[i], d2 = d * d;
                s += d2 / (Math.sqrt(d2 + c2) + c);
            }
            return s;
        });
    }

    /** sum_i sqrt((a[i] - b[i])^2 + c^2) - c;  a, b [n]. */
    public static double pseudoHuberSum(double[] a, double[] b, int n, double c) {
        double c2 = c * c;
        return ReduceKernels.blockedSum(n, (lo, hi) -> {
            double s = 0;
            for (int i = lo; i < hi; i++) {
                double d = a[i] - b[i], d2 = d * d;
                s += d2 / (Math.sqrt(d2 + c2) + c);
            }
            return s;
        });
    }

    /**
     * da[i] = k p'(a[i] - b[i]) for the squared error ({@code huberC < 0}) or the pseudo-Huber penalty with
     * {@code c = huberC};  a, b, da [n]. k carries the upstream gradient and the 1/n of the mean.
     */
    public static void gradient(float[] a, float[] b, float[] da, int n, double k, double huberC) {
        double c2 = huberC * huberC;
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            if (huberC < 0) for (int i = lo; i < hi; i++) da[i] = (float) (2 * k * ((double) a[i] - b[i]));
            else for (int i = lo; i < hi; i++) {
                double d = (double) a[i] - b[i];
                da[i] = (float) (k * d / Math.sqrt(d * d + c2));
            }
        });
    }

    /** As {@link #gradient(float[], float[], float[], int, double, double)} for double data. */
    public static void gradient(double[] a, double[] b, double[] da, int n, double k, double huberC) {
        double c2 = huberC * huberC;
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            if (huberC < 0) for (int i = lo; i < hi; i++) da[i] = 2 * k * (a[i] - b[i]);
            else for (int i = lo; i < hi; i++) {
                double d = a[i] - b[i];
                da[i] = k * d / Math.sqrt(d * d + c2);
            }
        });
    }
}
