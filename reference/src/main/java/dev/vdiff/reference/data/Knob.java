package dev.vdiff.reference.data;

import dev.vdiff.tensor.random.Rng;

/**
 * How one degradation is distributed over a synthetic data set: on with {@code probability}, and then of a
 * strength uniform in {@code [min, max]}; off (0) otherwise. {@code new Knob(1, s, s)} fixes it at {@code s}.
 */
public record Knob(double probability, double min, double max) {
    /** Never on. */
    public static final Knob OFF = new Knob(0, 0, 0);

    public Knob {
        if (!(probability >= 0 && probability <= 1)) throw new IllegalArgumentException("Knob: probability must be in [0, 1], got " + probability);
        if (!(min >= 0 && max >= min)) throw new IllegalArgumentException("Knob: need 0 <= min <= max, got [" + min + ", " + max + "]");
    }

    /** Always on at strength {@code value}. */
    public static Knob always(double value) {
        return new Knob(1, value, value);
    }

    /** A draw: 0 when off. Always takes two numbers from {@code r}, so later draws do not shift. */
    double sample(Rng r) {
        double on = r.nextDouble();
        double u = r.nextDouble();
        return on < probability ? min + (max - min) * u : 0.0;
    }

    /** An integer draw for a factor: 1 when off, else uniform over the integers in {@code [min, max]}, at least 2. */
    int sampleFactor(Rng r) {
        double on = r.nextDouble();
        double u = r.nextDouble();
        if (on >= probability) return 1;
        int lo = Math.max(2, (int) Math.ceil(min)), hi = Math.max(lo, (int) Math.floor(max));
        return lo + Math.min(hi - lo, (int) (u * (hi - lo + 1)));
    }
}
