package dev.vdiff.tensor.kernels;

/**
 * A float32 {@code exp} built only from correctly rounded operations (multiply, add, fused multiply-add,
 * integer shifts), for softmax kernels.
 *
 * <p>Why not {@code Math.exp}: the Vector API's {@code EXP} is a different function when compiled (a vendor
 * math library) than when interpreted (a per-lane {@code Math.exp}), so the same call could give different
 * bits before and after the JIT warms up. Built from IEEE basic operations, this function gives the same
 * bits in every mode, scalar ({@link #exp}) and vector ({@code AttentionSimd.exp}) alike, and is as fast as
 * the vendor one.
 *
 * <p>Method: {@code exp(x) = 2^n * exp(r)} with {@code n = round(x / ln 2)} and {@code r = x - n ln 2}
 * ({@code |r| <= ln2/2}, computed with a two-part {@code ln 2}); {@code exp(r)} is its Taylor polynomial of
 * degree 7 (truncation error below 6e-9 relative), evaluated by Horner's rule; {@code 2^n} is assembled in
 * the exponent bits (n read off the bits of the rounded float, no conversion). Error about 1 ulp. Inputs below {@value #UNDERFLOW} give 0 (softmax weights that small
 * do not count next to the maximum's weight 1); inputs above {@value #OVERFLOW} are clamped there.
 */
public final class ExpF {
    private ExpF() {}

    static final float UNDERFLOW = -87.0f, OVERFLOW = 88.0f;
    static final float LOG2E = 1.44269504f;
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer (round to nearest even). */
    static final float ROUND = 12582912f;
    /** The bits of {@code ROUND + n} are those of {@code ROUND} plus n, for |n| < 2^22: n without a conversion. */
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    static final float LN2_HI = 0.693147182f;                     // (float) ln 2
    static final float LN2_LO = (float) (Math.log(2) - 0.693147182);
    static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    public static float exp(float x) {
        if (x < UNDERFLOW) return 0f;
        float xc = Math.min(x, OVERFLOW);
        float t = xc * LOG2E + ROUND;
        float nf = t - ROUND;
        float r = Math.fma(nf, -LN2_HI, xc);
        r = Math.fma(nf, -LN2_LO, r);
        float p = Math.fma(C7, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) + (127 - ROUND_BITS)) << 23);
    }
}
