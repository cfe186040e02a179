package dev.vdiff.verification;

/**
 * The pass rule of one case in one precision (docs/ORACLE.md §4): elementwise
 * {@code |a - b| <= atol + rtol |b|}, or, for a tolerance with {@code atol_rms} ({@code tiny_video_unet}),
 * {@code |a - b| <= atol_rms * rms(T) + rtol |b|} with {@code rms(T)} the root mean square of the reference tensor.
 *
 * @param rtol relative part
 * @param atol absolute part; for an RMS-scaled tolerance, the factor {@code atol_rms}
 * @param rmsScaled whether {@code atol} multiplies the reference tensor's RMS
 */
public record Tolerance(double rtol, double atol, boolean rmsScaled) {
    /** The absolute part for one reference tensor. */
    public double absoluteFor(double[] expected) {
        if (!rmsScaled) return atol;
        double sumSquares = 0;
        for (double v : expected) sumSquares += v * v;
        return atol * Math.sqrt(sumSquares / Math.max(1, expected.length));
    }

    @Override
    public String toString() {
        return "rtol " + rtol + (rmsScaled ? ", atol_rms " : ", atol ") + atol;
    }
}
