package dev.vdiff.tensor.check;

import dev.vdiff.tensor.Tensor;

import java.util.Map;

/**
 * The pass rule of a golden case in one precision (oracle format §4, docs/ORACLE.md), the one implementation
 * that the oracle runner ({@code verification}), the UNet golden test ({@code diffusion}) and the op golden
 * tests ({@code tensor}) all use. Elementwise, with {@code b} the reference:
 * <pre>
 *   |a - b| <= atol + rtol |b|                 (a plain tolerance)
 *   |a - b| <= atol_rms * rms(b) + rtol |b|    (an RMS-scaled one, for whole networks: tiny_video_unet)
 * </pre>
 * {@code rms(b)} is the root mean square of the whole reference tensor. The comparison itself is {@link Close}'s,
 * so a mismatch reports how many elements fail, the worst index, actual vs expected and error/tolerance.
 *
 * <pre>{@code
 * Tolerance tol = Tolerance.parse(Map.of("rtol", 1e-4, "atol", 1e-5), "case conv2d_01 float32");
 * Close.Result r = tol.compare(actual, expected);   // r.pass(), r.worstRatio(), r.describe("out")
 * }</pre>
 *
 * @param rtol      relative part
 * @param atol      absolute part; for an RMS-scaled tolerance, the factor {@code atol_rms}
 * @param rmsScaled whether {@code atol} multiplies the reference tensor's RMS
 */
public record Tolerance(double rtol, double atol, boolean rmsScaled) {
    public Tolerance {
        if (!(rtol >= 0) || !(atol >= 0) || Double.isInfinite(rtol) || Double.isInfinite(atol)) {
            throw new IllegalArgumentException("tolerance: rtol and atol must be finite and >= 0, got rtol " + rtol + ", atol " + atol);
        }
    }

    /** {@code |a - b| <= atol + rtol |b|}. */
    public static Tolerance of(double rtol, double atol) {
        return new Tolerance(rtol, atol, false);
    }

    /** {@code |a - b| <= atolRms * rms(b) + rtol |b|}. */
    public static Tolerance rmsScaled(double rtol, double atolRms) {
        return new Tolerance(rtol, atolRms, true);
    }

    /**
     * One precision's entry of a case's {@code tolerance} in a manifest: {@code {"rtol": r, "atol": a}} or
     * {@code {"rtol": r, "atol_rms": a}}. {@code where} names the entry in error messages.
     */
    public static Tolerance parse(Map<String, Object> entry, String where) {
        boolean rms = entry.containsKey("atol_rms");
        if (rms && entry.containsKey("atol")) throw new IllegalArgumentException(where + ": has both 'atol' and 'atol_rms'");
        double rtol = number(entry, "rtol", where), atol = number(entry, rms ? "atol_rms" : "atol", where);
        return new Tolerance(rtol, atol, rms);
    }

    private static double number(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(where + ": '" + key + "' should be a number, got " + (v == null ? "nothing" : v.getClass().getSimpleName()));
        }
        return ((Number) v).doubleValue();
    }

    /** The absolute part for one reference tensor: {@code atol}, or {@code atol * rms(expected)}. */
    public double absoluteFor(double[] expected) {
        if (!rmsScaled) return atol;
        double sumSquares = 0;
        for (double v : expected) sumSquares += v * v;
        return atol * Math.sqrt(sumSquares / Math.max(1, expected.length));
    }

    /** Compares flat values; {@code actual} and {@code expected} must have the same length. */
    public Close.Result compare(double[] actual, double[] expected) {
        return Close.compare(actual, expected, rtol, absoluteFor(expected));
    }

    /** Compares tensors (any float dtype, widened to float64; shapes must match exactly). */
    public Close.Result compare(Tensor actual, Tensor expected) {
        return Close.compare(actual, expected, rtol, absoluteFor(expected.toDoubleArray()));
    }

    /** Throws an AssertionError naming {@code what} and describing the mismatch. */
    public void assertClose(String what, Tensor actual, Tensor expected) {
        Close.Result r = compare(actual, expected);
        if (!r.pass()) throw new AssertionError(r.describe(what + " (" + this + ")"));
    }

    @Override
    public String toString() {
        return "rtol " + rtol + (rmsScaled ? ", atol_rms " : ", atol ") + atol;
    }
}
