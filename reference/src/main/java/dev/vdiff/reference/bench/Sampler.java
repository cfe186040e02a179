package dev.vdiff.reference.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times one benchmark the way {@code shared/bench/pytorch_baseline.py} does, so both sides' figures mean
 * the same thing: untimed warm-up calls, then {@code repeats} samples, each the mean of {@code inner}
 * back-to-back calls ({@code inner} chosen so that a sample lasts at least {@code minSampleS}).
 *
 * <p>Shared-machine guard: a sample during which other processes used more than the allowed share of the
 * CPUs is set aside and we wait (0.5 s probes, at most {@code maxWaitS} per benchmark) for a quieter
 * moment; if too few quiet samples come, the least disturbed set-aside ones fill up and the result is
 * marked noisy. Garbage collection during samples is part of the measurement.
 */
final class Sampler {
    private final double maxBackground;
    private final double maxWaitS;
    private final int threads;

    Sampler(double maxBackground, double maxWaitS, int threads) {
        this.maxBackground = maxBackground;
        this.maxWaitS = maxWaitS;
        this.threads = threads;
    }

    /** Other processes may use the CPUs this run leaves free, plus {@code maxBackground}. */
    double allowed() {
        if (maxBackground >= 1) return Double.POSITIVE_INFINITY;
        int n = Runtime.getRuntime().availableProcessors();
        return maxBackground + Math.max(0, n - threads) / (double) n;
    }

    /**
     * Warm-up runs at least {@code minWarmup} calls and at least {@code warmupS} seconds, because the JIT
     * needs more than PyTorch before the hot loops are compiled; the count actually run is reported.
     */
    Map<String, Object> run(Runnable fn, int minWarmup, double warmupS, int repeats, double minSampleS, Long flop) {
        int warmup = 0;
        long w0 = System.nanoTime();
        while (warmup < minWarmup || (System.nanoTime() - w0) * 1e-9 < warmupS) {
            fn.run();
            warmup++;
        }
        int inner = 1;
        if (minSampleS > 0) {
            long t0 = System.nanoTime();
            fn.run();
            double dt = (System.nanoTime() - t0) * 1e-9;
            inner = Math.max(1, (int) Math.ceil(minSampleS / Math.max(dt, 1e-9)));
        }
        double allowed = allowed();
        double[] budget = {maxWaitS, 0};   // seconds left, seconds waited
        List<double[]> good = new ArrayList<>(), setAside = new ArrayList<>();   // {seconds, background or NaN}
        waitQuiet(allowed, budget);
        int attempts = 0;
        while (good.size() < repeats && attempts < 2 * repeats) {
            attempts++;
            CpuLoad load = new CpuLoad();
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) fn.run();
            double dt = (System.nanoTime() - t0) * 1e-9 / inner;
            Double bg = load.backgroundFraction();
            double[] s = {dt, bg == null ? Double.NaN : bg};
            if (bg == null || bg <= allowed) {
                good.add(s);
            } else {
                setAside.add(s);
                if (good.size() + (2 * repeats - attempts) >= repeats) waitQuiet(allowed, budget);
            }
        }
        boolean noisy = good.size() < repeats;
        if (noisy) {
            setAside.sort(Comparator.comparingDouble(s -> s[1]));
            int k = Math.min(repeats - good.size(), setAside.size());
            good.addAll(setAside.subList(0, k));
            setAside = new ArrayList<>(setAside.subList(k, setAside.size()));
        }
        return summarize(good, inner, warmup, flop, allowed, setAside.size(), budget[1], noisy);
    }

    private void waitQuiet(double allowed, double[] budget) {
        while (budget[0] > 0 && allowed != Double.POSITIVE_INFINITY) {
            CpuLoad probe = new CpuLoad();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            budget[0] -= 0.5;
            Double bg = probe.backgroundFraction();
            if (bg == null || bg <= allowed) return;
            budget[1] += 0.5;
        }
    }

    private static Map<String, Object> summarize(List<double[]> samples, int inner, int warmup, Long flop,
                                                 double allowed, int setAside, double waited, boolean noisy) {
        double[] ms = samples.stream().mapToDouble(s -> s[0] * 1e3).toArray();
        double[] sorted = ms.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("median_ms", median);
        r.put("min_ms", sorted[0]);
        r.put("max_ms", sorted[n - 1]);
        List<Double> list = new ArrayList<>();
        for (double v : ms) list.add(v);
        r.put("samples_ms", list);
        r.put("repeats", n);
        r.put("inner_iters", inner);
        r.put("warmup", warmup);
        r.put("flop", flop);
        r.put("gflops_median", flop == null ? null : flop / median / 1e6);
        r.put("gflops_best", flop == null ? null : flop / sorted[0] / 1e6);
        double bgSum = 0;
        int bgN = 0;
        for (double[] s : samples) {
            if (!Double.isNaN(s[1])) {
                bgSum += s[1];
                bgN++;
            }
        }
        r.put("background_cpu_frac", bgN == 0 ? null : bgSum / bgN);
        r.put("background_allowed", Double.isInfinite(allowed) ? null : allowed);
        r.put("set_aside_samples", setAside);
        r.put("waited_s", Math.round(waited * 10) / 10.0);
        r.put("noisy", noisy);
        return r;
    }
}
