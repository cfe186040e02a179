package dev.vdiff.reference.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wall-clock times of the two arms, measured in alternation (vanilla, pyramid, pyramid, vanilla, ...) so that
 * the load of a shared machine falls on both alike. The ratio of the means is the speed-up; its spread is
 * estimated from the per-pair ratios.
 */
public final class PairedTimes {
    private final List<Double> vanilla = new ArrayList<>(), pyramid = new ArrayList<>();

    /** Whether measurement {@code i} runs the pyramid arm first (ABBA order: no arm always runs right after a GC or the other's caches). */
    public static boolean pyramidFirst(long i) {
        return i % 2 == 1;
    }

    public void add(double vanillaMs, double pyramidMs) {
        vanilla.add(vanillaMs);
        pyramid.add(pyramidMs);
    }

    public int count() {
        return vanilla.size();
    }

    public double vanillaMean() {
        return mean(vanilla);
    }

    public double pyramidMean() {
        return mean(pyramid);
    }

    public double vanillaMedian() {
        return median(vanilla);
    }

    public double pyramidMedian() {
        return median(pyramid);
    }

    /** {@code mean(vanilla) / mean(pyramid)}. */
    public double speedup() {
        return vanillaMean() / pyramidMean();
    }

    /** The median of the per-pair ratios {@code vanilla_i / pyramid_i} (robust to a single slow outlier). */
    public double medianPairRatio() {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < vanilla.size(); i++) r.add(vanilla.get(i) / pyramid.get(i));
        return median(r);
    }

    List<Double> vanilla() {
        return List.copyOf(vanilla);
    }

    List<Double> pyramid() {
        return List.copyOf(pyramid);
    }

    private static double mean(List<Double> l) {
        double s = 0;
        for (double v : l) s += v;
        return l.isEmpty() ? Double.NaN : s / l.size();
    }

    private static double median(List<Double> l) {
        if (l.isEmpty()) return Double.NaN;
        double[] a = l.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }
}
