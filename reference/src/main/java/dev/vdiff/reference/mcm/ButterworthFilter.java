package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;

/**
 * The Butterworth frequency split of MCM's {@code freql}/{@code freqh} motion representations (SPEC §4.2;
 * the MCM code, taken from FreeInit; papers suite PAPERS.md §3.6): a low-pass mask on the 3-D DFT over
 * frames, height and width of each channel of a video latent {@code [B, C, F, H, W]}.
 *
 * <pre>
 *   X[kf,kh,kw] = sum_{f,h,w} x[f,h,w] exp(-2 pi i (kf f/F + kh h/H + kw w/W))
 *   pos_n(k)    = 2 ((k + floor(n/2)) mod n) / n - 1          the fftshift-ed coordinate of bin k
 *   d2          = ((cutoff / temporalCutoff) pos_F(kf))^2 + pos_H(kh)^2 + pos_W(kw)^2
 *   Lp          = 1 / (1 + (d2 / cutoff^2)^order)
 *   low  = Re(IDFT(Lp X)),   high = Re(IDFT((1 - Lp) X)),      low + high = x
 * </pre>
 * MCM's defaults: cutoff = temporal cutoff = 0.25, order 4. For odd lengths the mask is off-centre and the
 * filtered spectrum is not Hermitian; the real part drops its imaginary residue (as the released code).
 *
 * <p>The DFT is three products with dense DFT matrices (one per axis, complex numbers as pairs of real
 * tensors): exact to rounding at latent sizes, and differentiable like every other recorded op.
 */
public record ButterworthFilter(double cutoff, double temporalCutoff, int order) {
    /** MCM's released values (SPEC §4.2). */
    public static final ButterworthFilter MCM = new ButterworthFilter(0.25, 0.25, 4);

    public ButterworthFilter {
        if (!(cutoff > 0) || !(temporalCutoff > 0) || Double.isInfinite(cutoff) || Double.isInfinite(temporalCutoff)) {
            throw new IllegalArgumentException("Butterworth filter: cutoffs must be positive numbers, got cutoff " + cutoff + ", temporal cutoff " + temporalCutoff);
        }
        if (order < 1) throw new IllegalArgumentException("Butterworth filter: order must be >= 1, got " + order);
    }

    /** The low-frequency part of {@code x [B, C, F, H, W]}. */
    public Tensor low(Tensor x) {
        return filter(x, false);
    }

    /** The high-frequency part of {@code x [B, C, F, H, W]}. */
    public Tensor high(Tensor x) {
        return filter(x, true);
    }

    /** {@code Lp[kf, kh, kw]} (or {@code 1 - Lp}) for lengths F, H, W, computed in double and rounded to {@code dtype}. */
    public Tensor mask(int f, int h, int w, boolean highPass, DType dtype) {
        double[] m = new double[f * h * w];
        double scaleF = cutoff / temporalCutoff, c2 = cutoff * cutoff;
        for (int a = 0; a < f; a++) {
            for (int b = 0; b < h; b++) {
                for (int c = 0; c < w; c++) {
                    double pf = scaleF * pos(a, f), ph = pos(b, h), pw = pos(c, w);
                    double d2 = pf * pf + ph * ph + pw * pw;
                    double lp = 1 / (1 + Math.pow(d2 / c2, order));
                    m[(a * h + b) * w + c] = highPass ? 1 - lp : lp;
                }
            }
        }
        return Tensor.of(m, f, h, w).to(dtype);
    }

    /** Where fftshift puts DFT bin k of an axis of length n, as a coordinate in [-1, 1). */
    static double pos(int k, int n) {
        return 2.0 * ((k + n / 2) % n) / n - 1;
    }

    private Tensor filter(Tensor x, boolean highPass) {
        if (x.rank() != 5) throw new IllegalArgumentException("Butterworth filter: expects a video latent [B, C, F, H, W], got " + java.util.Arrays.toString(x.shape()));
        int[] s = x.shape();
        int f = s[2], h = s[3], w = s[4];
        DType dt = x.dtype();
        Tensor[] spec = dft3(new Tensor[] {x, null}, f, h, w, -1, dt);
        Tensor m = mask(f, h, w, highPass, dt);
        spec = new Tensor[] {Arithmetic.mul(spec[0], m), Arithmetic.mul(spec[1], m)};
        Tensor[] back = dft3(spec, f, h, w, +1, dt);
        return Arithmetic.mul(back[0], 1.0 / ((double) f * h * w));   // Re(IDFT): 1/(F H W) and the real part
    }

    /** A complex 3-D DFT (sign -1) or unnormalised inverse (sign +1) over the last three axes; im may be null (real input). */
    private static Tensor[] dft3(Tensor[] z, int f, int h, int w, int sign, DType dt) {
        int[] s = z[0].shape();
        int b = s[0], c = s[1];
        // along W: z[..., w] -> z[..., k] = z @ M^T, M symmetric
        z = multiplyLast(z, w, sign, dt);                                               // [B, C, F, H, W]
        // along H: [B, C, F, H, W] -> [B, C*F, H, W], then M @ z
        z = multiplyRows(reshape(z, b, c * f, h, w), h, sign, dt);
        // along F: [B, C, F, H*W], then M @ z
        z = multiplyRows(reshape(z, b, c, f, h * w), f, sign, dt);
        return reshape(z, b, c, f, h, w);
    }

    private static Tensor[] reshape(Tensor[] z, int... shape) {
        return new Tensor[] {z[0].reshape(shape), z[1] == null ? null : z[1].reshape(shape)};
    }

    /** {@code z[..., k] = sum_j z[..., j] M[k, j]} over the last axis of length n. */
    private static Tensor[] multiplyLast(Tensor[] z, int n, int sign, DType dt) {
        Tensor[] m = matrix(n, sign, dt);
        Tensor re = z[0], im = z[1];
        // (re + i im)(mr + i mi)^T
        Tensor outRe = LinearAlgebra.matmul(re, m[0]);
        Tensor outIm = LinearAlgebra.matmul(re, m[1]);
        if (im != null) {
            outRe = Arithmetic.sub(outRe, LinearAlgebra.matmul(im, m[1]));
            outIm = Arithmetic.add(outIm, LinearAlgebra.matmul(im, m[0]));
        }
        return new Tensor[] {outRe, outIm};
    }

    /** {@code z[..., k, :] = sum_j M[k, j] z[..., j, :]} over the second-to-last axis of length n. */
    private static Tensor[] multiplyRows(Tensor[] z, int n, int sign, DType dt) {
        Tensor[] m = matrix(n, sign, dt);
        Tensor re = z[0], im = z[1];
        Tensor outRe = Arithmetic.sub(LinearAlgebra.matmul(m[0], re), LinearAlgebra.matmul(m[1], im));
        Tensor outIm = Arithmetic.add(LinearAlgebra.matmul(m[1], re), LinearAlgebra.matmul(m[0], im));
        return new Tensor[] {outRe, outIm};
    }

    /** Real and imaginary parts of {@code exp(sign 2 pi i k j / n)}, {@code [n, n]}, symmetric. */
    private static Tensor[] matrix(int n, int sign, DType dt) {
        double[] re = new double[n * n], im = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double a = 2 * Math.PI * ((long) k * j % n) / n;   // reduce k j mod n: exact small angles
                re[k * n + j] = Math.cos(a);
                im[k * n + j] = sign * Math.sin(a);
            }
        }
        return new Tensor[] {Tensor.of(re, n, n).to(dt), Tensor.of(im, n, n).to(dt)};
    }
}
