package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;

/**
 * Spectral normalisation of a weight (Miyato et al., 2018), as {@code torch.nn.utils.spectral_norm}:
 * the layer uses {@code W / sigma(W)} with {@code sigma} the largest singular value of {@code W} read as a
 * matrix {@code [rows = shape[0], cols = rest]}, estimated by power iteration whose vectors persist between
 * calls.
 *
 * <p>It registers on its owner, under PyTorch's names for a weight called {@code name}: the parameter
 * {@code name_orig} (the raw W) and the buffers {@code name_u [rows]} and {@code name_v [cols]}, so the
 * power-iteration state is part of the owner's {@link Module#stateDict()}: a checkpoint restores it and a
 * resumed run continues bit for bit.
 *
 * <pre>
 *   update (training):  v = normalize(W^T u),  u = normalize(W v)      (no gradient; repeated n times)
 *   sigma = u^T W v     (u, v constants; differentiable in W)          weight = W / sigma
 * </pre>
 * {@code normalize(a) = a / max(||a||, 1e-12)}; u and v start as normalised N(0, 1) draws.
 *
 * <pre>{@code
 * // inside a Module's constructor:
 * sn = SpectralNorm.register(this, "weight", Init.kaimingUniform(rng, dtype, Init.DEFAULT_A, fanIn, out, in, 1, 1), 1, rng);
 * // in forward: Convolution.conv2d(x, sn.weight(true), bias, ...)
 * }</pre>
 */
public final class SpectralNorm {
    /** PyTorch's default epsilon of the normalisation. */
    public static final double EPS = 1e-12;

    private final Tensor weight, u, v;
    private final int rows, cols, iterations;

    private SpectralNorm(Tensor weight, Tensor u, Tensor v, int iterations) {
        this.weight = weight;
        this.u = u;
        this.v = v;
        this.rows = u.numel();
        this.cols = v.numel();
        this.iterations = iterations;
    }

    /**
     * Registers {@code name_orig} (= {@code raw}, becoming a parameter) and the buffers {@code name_u},
     * {@code name_v} on {@code owner}; {@code iterations} power iterations per update (PyTorch's default 1).
     */
    public static SpectralNorm register(Module owner, String name, Tensor raw, int iterations, Rng rng) {
        if (raw.rank() < 1 || raw.numel() == 0) throw new IllegalArgumentException("SpectralNorm: weight '" + name + "' must be a non-empty tensor, got " + Shape.str(raw.shape()));
        if (iterations < 1) throw new IllegalArgumentException("SpectralNorm: iterations must be >= 1, got " + iterations);
        int rows = raw.shape(0), cols = raw.numel() / rows;
        Tensor w = owner.param(name + "_orig", raw);
        Tensor u = owner.buffer(name + "_u", normalized(rng.normal(raw.dtype(), rows)));
        Tensor v = owner.buffer(name + "_v", normalized(rng.normal(raw.dtype(), cols)));
        return new SpectralNorm(w, u, v, iterations);
    }

    /** The raw weight (the parameter the optimizer updates). */
    public Tensor raw() {
        return weight;
    }

    /** The current power-iteration estimate of sigma (no update, no gradient). */
    public double sigma() {
        try (var s = Autograd.noGrad()) {
            return sigmaOf(weight.detach()).item();
        }
    }

    /**
     * {@code W / sigma}, differentiable with respect to W (through W and through sigma). With
     * {@code update} the power iteration first advances u and v in place (training); without, the stored
     * vectors are used (evaluation).
     */
    public Tensor weight(boolean update) {
        if (update) {
            try (var s = Autograd.noGrad()) {
                Tensor wm = weight.detach().reshape(rows, cols);
                Tensor uu = u, vv = v;
                for (int i = 0; i < iterations; i++) {
                    vv = normalized(matVec(wm.transpose(0, 1), uu));
                    uu = normalized(matVec(wm, vv));
                }
                copyInto(v, vv);
                copyInto(u, uu);
            }
        }
        return Arithmetic.div(weight, sigmaOf(weight));
    }

    /** {@code u^T W v = sum_ij u_i W_ij v_j} with u, v constants. */
    private Tensor sigmaOf(Tensor w) {
        Tensor outer = Arithmetic.mul(u.detach().copy().reshape(rows, 1), v.detach().copy().reshape(1, cols));   // [rows, cols]
        return Reductions.sumAll(Arithmetic.mul(w.reshape(rows, cols), outer));
    }

    private static Tensor matVec(Tensor m, Tensor x) {
        return Reductions.sum(Arithmetic.mul(m, x.reshape(1, -1)), new int[] {1}, false);
    }

    private static Tensor normalized(Tensor a) {
        double n = Math.sqrt(Reductions.sumAll(Arithmetic.mul(a, a)).item());
        return Arithmetic.mul(a, 1.0 / Math.max(n, EPS));
    }

    private static void copyInto(Tensor dst, Tensor src) {
        Tensor c = src.contiguous();
        if (dst.dtype() == DType.FLOAT32) System.arraycopy(c.floats(), 0, dst.floats(), 0, dst.numel());
        else System.arraycopy(c.doubles(), 0, dst.doubles(), 0, dst.numel());
    }
}
