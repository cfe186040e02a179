package dev.vdiff.tensor.kernels;

/**
 * e^x in float32 arithmetic, written only with operations that the Vector API performs identically lane by
 * lane ({@code +, *, /, fma}, integer shifts, bit reinterpretation), so that the scalar form here and the
 * vector form in {@link FloatVectorKernels} return the same bits. Then whether a float32 activation
 * ran vectorised, in a loop tail, before or after JIT compilation, or on how many threads never changes
 * a result. (Library exp functions are not like this: the Vector API's own EXP differs between its
 * interpreted and compiled forms.)
 *
 * <p>Method (Cody-Waite reduction): {@code k = round(x / ln 2)}, {@code r = x - k ln 2} in two fma steps
 * with ln 2 split into a short exact head and a tail, so {@code |r| <= 0.35}; {@code e^r} by its Taylor
 * polynomial of degree 7 (truncation error {@code 0.35^8 / 8! = 6e-9}, below half an ulp); then
 * {@code e^x = e^r 2^k} with {@code 2^k} applied as two factors {@code 2^(k/2)}, each a normal float, so
 * that results down to the subnormal range round once. Error about 1 ulp over the normal range. Arguments
 * are clamped to [-104, 100]: below, e^x is under half the smallest subnormal (gives 0 or 1.4e-45); above,
 * it overflows to infinity as it should. NaN stays NaN.
 */
public final class FloatExp {
    private FloatExp() {}

    /**
     * Whether float32 exp and the sigmoid-family activations run on the Vector API: the rule of
     * {@code Simd.ENABLED} (module present, {@code -Dvdiff.simd} not "false"). Either way the bits are the
     * same ({@link FloatVectorKernels}); only speed differs.
     */
    public static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && !"false".equalsIgnoreCase(System.getProperty("vdiff.simd"));

    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude < 2^22 to the nearest integer. */
    static final float ROUNDER = 12582912f;
    /** ln 2 = LN2_HI + LN2_LO, with LN2_HI short enough that k * LN2_HI is exact for |k| < 2^8. */
    static final float LN2_HI = 0.693145751953125f, LN2_LO = 1.42860676533018e-6f;
    static final float MIN_ARG = -104f, MAX_ARG = 100f;
    /** 1/i! for i = 2..7 (the constant and linear coefficients are 1). */
    static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /** y[i] = e^(x[i] - m) for i in [lo, hi), the exponentials of a softmax row;  x, y [n]. Vectorised when {@link #SIMD}. */
    public static void expShifted(float[] x, float m, float[] y, int lo, int hi) {
        if (SIMD) {
            FloatVectorKernels.expShifted(x, m, y, lo, hi);
            return;
        }
        for (int i = lo; i < hi; i++) y[i] = exp(x[i] - m);
    }

    /** e^x, float32, about 1 ulp; bit-identical to the lanes of {@link FloatVectorKernels#exp}. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN_ARG), MAX_ARG);
        float kf = (x * LOG2E + ROUNDER) - ROUNDER;
        float r = Math.fma(kf, -LN2_HI, x);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(C7, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k = (int) kf;
        int k1 = k >> 1, k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }
}
