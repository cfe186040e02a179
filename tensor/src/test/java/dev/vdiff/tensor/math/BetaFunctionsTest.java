package dev.vdiff.tensor.math;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beta special functions against Apache Commons Statistics on a grid, plus closed forms and round trips. */
class BetaFunctionsTest {
    static final double[] SHAPES = {0.1, 0.25, 0.5, 1, 2, 3.5, 10, 30, 100};
    static final double[] XS = {1e-3, 0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999};

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (double a : SHAPES) for (double b : SHAPES) out.add(Arguments.of(a, b));
        return out.stream();
    }

    private static void close(double expected, double actual, double rtol, double atol, String what) {
        assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
            () -> what + ": actual " + actual + " vs expected " + expected + " (rel " + Math.abs(actual - expected) / Math.abs(expected) + ")");
    }

    @ParameterizedTest(name = "a={0}, b={1}")
    @MethodSource("shapes")
    void logBetaPdfAndCdfMatchCommonsStatistics(double a, double b) {
        BetaDistribution ref = BetaDistribution.of(a, b);
        double lb = org.apache.commons.numbers.gamma.LogBeta.value(a, b);
        close(lb, BetaFunctions.logBeta(a, b), 1e-14, 1e-15, "logBeta");
        for (double x : XS) {
            String at = "a=" + a + " b=" + b + " x=" + x;
            close(ref.density(x), BetaFunctions.pdf(x, a, b), 2e-13, 1e-300, "pdf " + at);
            close(ref.cumulativeProbability(x), BetaFunctions.regularizedIncompleteBeta(x, a, b), 2e-13, 1e-300, "cdf " + at);
        }
    }

    @ParameterizedTest(name = "a={0}, b={1}")
    @MethodSource("shapes")
    void inverseMatchesCommonsStatisticsAndRoundTrips(double a, double b) {
        BetaDistribution ref = BetaDistribution.of(a, b);
        for (double q : XS) {
            String at = "a=" + a + " b=" + b + " q=" + q;
            double y = BetaFunctions.inverseRegularizedIncompleteBeta(q, a, b);
            close(ref.inverseCumulativeProbability(q), y, 1e-12, 1e-300, "ppf " + at);
            // I_y(a, b) = q, to the accuracy that the slope allows: |dq| ~ pdf(y) * |dy| with |dy| ~ a few ulps of y.
            double slack = BetaFunctions.pdf(y, a, b) * 8 * Math.ulp(y);
            close(q, BetaFunctions.regularizedIncompleteBeta(y, a, b), 1e-13, slack, "I(ppf(q)) " + at);
        }
    }

    @Test
    void closedFormsOfSpecialCases() {
        for (double x : XS) {
            // Beta(1, 1) is uniform; Beta(a, 1) has CDF x^a; Beta(1, b) has CDF 1 - (1-x)^b; Beta(1/2, 1/2) is the arcsine law.
            close(x, BetaFunctions.regularizedIncompleteBeta(x, 1, 1), 1e-15, 0, "uniform cdf");
            close(1, BetaFunctions.pdf(x, 1, 1), 1e-15, 0, "uniform pdf");
            close(Math.pow(x, 3.5), BetaFunctions.regularizedIncompleteBeta(x, 3.5, 1), 1e-14, 0, "Beta(3.5,1) cdf");
            close(-Math.expm1(4 * Math.log1p(-x)), BetaFunctions.regularizedIncompleteBeta(x, 1, 4), 1e-14, 0, "Beta(1,4) cdf");
            close(2 / Math.PI * Math.asin(Math.sqrt(x)), BetaFunctions.regularizedIncompleteBeta(x, 0.5, 0.5), 1e-14, 0, "arcsine cdf");
            close(1 / (Math.PI * Math.sqrt(x * (1 - x))), BetaFunctions.pdf(x, 0.5, 0.5), 1e-14, 0, "arcsine pdf");
            close(Math.pow(x, 1 / 3.5), BetaFunctions.inverseRegularizedIncompleteBeta(x, 3.5, 1), 1e-14, 0, "Beta(3.5,1) ppf");
            double s = Math.sin(Math.PI * x / 2);
            close(s * s, BetaFunctions.inverseRegularizedIncompleteBeta(x, 0.5, 0.5), 1e-14, 0, "arcsine ppf");
        }
        close(Math.log(1.0 / 12), BetaFunctions.logBeta(2, 3), 1e-15, 0, "B(2,3) = 1/12");
        close(Math.log(Math.PI), BetaFunctions.logBeta(0.5, 0.5), 1e-15, 0, "B(1/2,1/2) = pi");
    }

    @Test
    void endPointsAndOutOfRange() {
        assertEquals(0, BetaFunctions.regularizedIncompleteBeta(0, 2, 3));
        assertEquals(1, BetaFunctions.regularizedIncompleteBeta(1, 2, 3));
        assertEquals(0, BetaFunctions.regularizedIncompleteBeta(-0.5, 2, 3));
        assertEquals(0, BetaFunctions.inverseRegularizedIncompleteBeta(0, 2, 3));
        assertEquals(1, BetaFunctions.inverseRegularizedIncompleteBeta(1, 2, 3));
        assertEquals(0, BetaFunctions.pdf(1.5, 2, 3));
        assertEquals(3, BetaFunctions.pdf(0, 1, 3), 1e-15);            // 1 / B(1, 3)
        assertEquals(Double.POSITIVE_INFINITY, BetaFunctions.pdf(0, 0.5, 3));
        assertTrue(Double.isNaN(BetaFunctions.regularizedIncompleteBeta(Double.NaN, 2, 3)));
        var e = assertThrows(IllegalArgumentException.class, () -> BetaFunctions.pdf(0.5, 0, 1));
        assertTrue(e.getMessage().contains("a=0.0"), e.getMessage());
    }

    @Test
    void float32TensorsAreTheFloat64ValuesRounded() {
        float[] xs = {0.001f, 0.2f, 0.5f, 0.8f, 0.999f};
        double[] wide = new double[xs.length];
        for (int i = 0; i < xs.length; i++) wide[i] = xs[i];
        Tensor f32 = Tensor.of(xs, xs.length), f64 = Tensor.of(wide, xs.length);
        for (var fn : List.<java.util.function.Function<Tensor, Tensor>>of(
                t -> dev.vdiff.tensor.ops.BetaDistribution.pdf(t, 2, 5), t -> dev.vdiff.tensor.ops.BetaDistribution.cdf(t, 2, 5), t -> dev.vdiff.tensor.ops.BetaDistribution.ppf(t, 0.5, 0.5))) {
            Tensor r32 = fn.apply(f32), r64 = fn.apply(f64);
            assertEquals(DType.FLOAT32, r32.dtype());
            assertEquals(DType.FLOAT64, r64.dtype());
            float[] expected = new float[xs.length];
            for (int i = 0; i < xs.length; i++) expected[i] = (float) r64.doubles()[i];
            assertArrayEquals(expected, r32.floats());
        }
    }
}
