package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.math.BetaFunctions;

/**
 * The Beta law's density, CDF and quantile applied elementwise to a float tensor, by the scalar functions of
 * {@link BetaFunctions} (docs/ORACLE.md §5.16, {@code beta_distribution}). Float32 in, float32 out: the shape
 * parameters are rounded to float first and each element is evaluated in double, then rounded (a scalar special
 * function accumulates in higher precision, docs/ORACLE.md §4). Not recorded for autodiff.
 */
public final class BetaDistribution {
    private BetaDistribution() {}

    /** Elementwise {@link BetaFunctions#pdf}. */
    public static Tensor pdf(Tensor x, double a, double b) {
        return map("pdf", x, a, b, BetaFunctions::pdf);
    }

    /** Elementwise {@link BetaFunctions#regularizedIncompleteBeta} (the CDF). */
    public static Tensor cdf(Tensor x, double a, double b) {
        return map("cdf", x, a, b, BetaFunctions::regularizedIncompleteBeta);
    }

    /** Elementwise {@link BetaFunctions#inverseRegularizedIncompleteBeta} (the quantile, scipy's {@code ppf}). */
    public static Tensor ppf(Tensor q, double a, double b) {
        return map("ppf", q, a, b, BetaFunctions::inverseRegularizedIncompleteBeta);
    }

    private interface Fn {
        double apply(double x, double a, double b);
    }

    private static Tensor map(String name, Tensor x, double a, double b, Fn fn) {
        if (!x.dtype().isFloat()) throw new IllegalArgumentException("BetaDistribution." + name + ": needs a float tensor, got " + x.dtype() + Shape.str(x.shape()));
        Tensor in = x.contiguous();
        if (x.dtype() == DType.FLOAT32) {
            double af = (float) a, bf = (float) b;
            float[] src = in.floats(), dst = new float[src.length];
            for (int i = 0; i < src.length; i++) dst[i] = (float) fn.apply(src[i], af, bf);
            return Tensor.of(dst, x.shape());
        }
        double[] src = in.doubles(), dst = new double[src.length];
        for (int i = 0; i < src.length; i++) dst[i] = fn.apply(src[i], a, b);
        return Tensor.of(dst, x.shape());
    }
}
