package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.GroupNormKernels;
import dev.vdiff.tensor.kernels.LayerNormKernels;
import dev.vdiff.tensor.kernels.Sums;

/**
 * GroupNorm and LayerNorm (docs/ORACLE.md §5.7, §5.8), with hand-written fused backward passes.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 3, 10, 30}, 1, 2, 2);   // [N=1, C=2, L=2]
 * Normalization.groupNorm(x, 1, null, null, 0);
 *     // one group over all 4 values: mu = 11, var = (100 + 64 + 1 + 361) / 4 = 131.5
 *     // -> (x - mu) / sqrt(131.5) = [[-0.872, -0.698], [-0.087, 1.657]]
 * Normalization.groupNorm(x, 2, null, null, 0);
 *     // one group per channel: [[-1, 1], [-1, 1]]
 * Normalization.layerNorm(Tensor.of(new double[] {1, 3}, 1, 2), null, null, 0);   // [[-1, 1]]
 * }</pre>
 *
 * Variance is biased (divides by the element count) and eps sits inside the square root, as in PyTorch.
 * Float32 statistics are accumulated in double. Gradients flow to x (through the mean and variance as
 * well) and to weight and bias.
 */
public final class Normalization {
    private Normalization() {}

    /**
     * GroupNorm of {@code x [N, C, *spatial]}: channels split into {@code groups} contiguous blocks, each
     * sample's group normalised over its channels and all spatial positions, then scaled and shifted per
     * channel by {@code weight [C]} and {@code bias [C]} (both null for no affine).
     */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        String op = "group_norm";
        if (x.rank() < 2) throw new IllegalArgumentException(op + ": input must be [N, C, *spatial], got " + x.dtype() + Shape.str(x.shape()));
        int[] s = x.shape();
        int n = s[0], c = s[1];
        if (groups < 1 || c % groups != 0) throw new IllegalArgumentException(op + ": " + groups + " groups do not divide the " + c + " channels of input " + Shape.str(s));
        checkAffine(op, x, weight, bias, c);
        checkEps(op, eps);
        int l = 1;
        for (int i = 2; i < s.length; i++) l *= s[i];
        Tensor xc = x.contiguous(), wc = weight == null ? null : weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        double[] mean = new double[n * groups], rstd = new double[n * groups];
        Tensor out;
        KernelBackend be = Tensor.deviceOf(x, weight, bias).kernels();
        if (x.dtype() == DType.FLOAT32) {
            float[] o = new float[x.numel()];
            be.groupNormForward(xc.deviceFloats(), deviceFloatsOrNull(wc), deviceFloatsOrNull(bc), o, mean, rstd, n, c, l, groups, eps);
            out = Tensor.of(o, s);
        } else {
            double[] o = new double[x.numel()];
            GroupNormKernels.forward(xc.doubles(), doublesOrNull(wc), doublesOrNull(bc), o, mean, rstd, n, c, l, groups, eps);
            out = Tensor.of(o, s);
        }
        int len = l;
        return Autograd.withSecondOrder(Autograd.record(out, op, g -> {
            boolean params = wc != null && (wc.requiresGrad() || bc.requiresGrad());
            double[] dwPart = new double[n * c], dbPart = new double[n * c];
            Tensor dx = null;
            if (x.dtype() == DType.FLOAT32) {
                float[] d = xc.requiresGrad() ? new float[x.numel()] : null;
                be.groupNormBackward(xc.deviceFloats(), deviceFloatsOrNull(wc), g.deviceFloats(), mean, rstd, d, dwPart, dbPart, n, c, len, groups);
                if (d != null) dx = Tensor.of(d, s);
            } else {
                double[] d = xc.requiresGrad() ? new double[x.numel()] : null;
                GroupNormKernels.backward(xc.doubles(), doublesOrNull(wc), g.doubles(), mean, rstd, d, dwPart, dbPart, n, c, len, groups);
                if (d != null) dx = Tensor.of(d, s);
            }
            if (!params) return new Tensor[] {dx, null, null};
            return new Tensor[] {dx, vector(wc, Sums.sumRows(dwPart, n, c)), vector(bc, Sums.sumRows(dbPart, n, c))};
        }, xc, wc, bc), g -> NormalizationGrad.groupNorm(xc, groups, wc, bc, eps, g));
    }

    /**
     * LayerNorm of {@code x [..., D]} over the last axis only, then {@code * weight [D] + bias [D]} (both
     * null for no affine). For {@code D = 1} the output is the bias and the gradient of x is 0.
     */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        String op = "layer_norm";
        if (x.rank() < 1) throw new IllegalArgumentException(op + ": input must have at least one axis, got a 0-d tensor");
        int[] s = x.shape();
        int d = s[s.length - 1];
        checkAffine(op, x, weight, bias, d);
        checkEps(op, eps);
        int rows = d == 0 ? 0 : x.numel() / d;
        Tensor xc = x.contiguous(), wc = weight == null ? null : weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        double[] mean = new double[rows], rstd = new double[rows];
        Tensor out;
        if (x.dtype() == DType.FLOAT32) {
            float[] o = new float[x.numel()];
            LayerNormKernels.forward(xc.floats(), floatsOrNull(wc), floatsOrNull(bc), o, mean, rstd, rows, d, eps);
            out = Tensor.of(o, s);
        } else {
            double[] o = new double[x.numel()];
            LayerNormKernels.forward(xc.doubles(), doublesOrNull(wc), doublesOrNull(bc), o, mean, rstd, rows, d, eps);
            out = Tensor.of(o, s);
        }
        return Autograd.withSecondOrder(Autograd.record(out, op, g -> {
            boolean params = wc != null && (wc.requiresGrad() || bc.requiresGrad());
            int blocks = LayerNormKernels.blocks(rows);
            double[] dwPart = new double[blocks * d], dbPart = new double[blocks * d];
            Tensor dx = null;
            if (x.dtype() == DType.FLOAT32) {
                float[] dd = xc.requiresGrad() ? new float[x.numel()] : null;
                LayerNormKernels.backward(xc.floats(), floatsOrNull(wc), g.floats(), mean, rstd, dd, dwPart, dbPart, rows, d);
                if (dd != null) dx = Tensor.of(dd, s);
            } else {
                double[] dd = xc.requiresGrad() ? new double[x.numel()] : null;
                LayerNormKernels.backward(xc.doubles(), doublesOrNull(wc), g.doubles(), mean, rstd, dd, dwPart, dbPart, rows, d);
                if (dd != null) dx = Tensor.of(dd, s);
            }
            if (!params) return new Tensor[] {dx, null, null};
            return new Tensor[] {dx, vector(wc, Sums.sumRows(dwPart, blocks, d)), vector(bc, Sums.sumRows(dbPart, blocks, d))};
        }, xc, wc, bc), g -> NormalizationGrad.layerNorm(xc, wc, bc, eps, g));
    }

    private static void checkAffine(String op, Tensor x, Tensor weight, Tensor bias, int size) {
        if (!x.dtype().isFloat()) throw new IllegalArgumentException(op + ": input must be float32 or float64, got " + x.dtype() + Shape.str(x.shape()));
        if ((weight == null) != (bias == null)) throw new IllegalArgumentException(op + ": give both weight and bias or neither (got " + (weight == null ? "bias only" : "weight only") + ")");
        if (weight == null) return;
        for (Tensor p : new Tensor[] {weight, bias}) {
            String name = p == weight ? "weight" : "bias";
            if (p.rank() != 1 || p.shape(0) != size) throw new IllegalArgumentException(op + ": " + name + " must be [" + size + "] for input " + Shape.str(x.shape()) + ", got " + Shape.str(p.shape()));
            if (p.dtype() != x.dtype()) throw new IllegalArgumentException(op + ": " + name + " is " + p.dtype() + " but input " + Shape.str(x.shape()) + " is " + x.dtype());
        }
    }

    private static void checkEps(String op, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException(op + ": eps must be a finite number >= 0, got " + eps);
    }

    private static float[] floatsOrNull(Tensor t) {
        return t == null ? null : t.floats();
    }

    /** For a backend: not brought home (the device may hold the weight's newest values, e.g. after its optimizer step). */
    private static float[] deviceFloatsOrNull(Tensor t) {
        return t == null ? null : t.deviceFloats();
    }

    private static double[] doublesOrNull(Tensor t) {
        return t == null ? null : t.doubles();
    }

    /** A [C] gradient of {@code like}'s dtype from double sums, or null when {@code like} needs none. */
    private static Tensor vector(Tensor like, double[] v) {
        if (!like.requiresGrad()) return null;
        if (like.dtype() == DType.FLOAT64) return Tensor.of(v, v.length);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, v.length);
    }
}
