package dev.vdiff.reference.tqd;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The one-sample Kolmogorov–Smirnov distance {@code sup_x |F_n(x) - G(x)|}, for the property tests, where
 * {@code G} is a Beta CDF clamped into {@code [T_MIN, T_MAX]} as TQD's draws are (SPEC §2.2): the clamp puts
 * atoms at both ends, so ties and left limits are handled.
 */
final class KolmogorovSmirnov {
    private KolmogorovSmirnov() {}

    /**
     * The distance between the sample and the law of {@code clamp(T, T_MIN, T_MAX)} for {@code T} with CDF
     * {@code cdf}. Over the distinct sorted values {@code x} with {@code below} sample points {@code < x} and
     * {@code upTo} {@code <= x}: {@code max(upTo/n - G(x), G(x-) - below/n)}, where {@code G(x) = cdf(x)} inside,
     * 1 from {@code T_MAX} on, and {@code G(x-) = 0} at {@code T_MIN}.
     */
    static double distance(double[] sample, DoubleUnaryOperator cdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && x[j] == x[i]) j++;
            double g = x[i] >= TimestepLaw.T_MAX ? 1 : cdf.applyAsDouble(x[i]);
            double gLeft = x[i] <= TimestepLaw.T_MIN ? 0 : cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((double) j / n - g, gLeft - (double) i / n));
            i = j;
        }
        return d;
    }

    /**
     * The asymptotic critical value at level 0.001: {@code 1.949 / sqrt(n)} (Kolmogorov's limit law,
     * {@code P(sqrt(n) D > 1.949) = 0.001}; conservative for laws with atoms).
     */
    static double critical001(int n) {
        return 1.949 / Math.sqrt(n);
    }
}
