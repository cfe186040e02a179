package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.BackwardFn;
import dev.vdiff.tensor.kernels.Conv;
import dev.vdiff.tensor.kernels.ConvGeometry;

/**
 * The differentiable backward of {@link Convolution} (for {@link Autograd#grad} with {@code createGraph}).
 *
 * <p>A convolution {@code y = K(x, w)} is bilinear, and so are its two gradients: the transposed convolution
 * {@code dx = T(dy, w)} and the weight correlation {@code dw = W(x, dy)}. With {@code <a, b>} the sum of
 * elementwise products, {@code <y', K(x, w)> = <T(y', w), x> = <W(x, y'), w>}, which gives the backward of
 * each of the three in terms of the others:
 * <pre>
 *   K(x, w):   dx = T(g, w),  dw = W(x, g)
 *   T(dy, w):  d dy = K(g, w),  dw = W(g, dy)          (g has x's shape)
 *   W(x, dy):  dx = T(dy, g),  d dy = K(x, g)          (g has w's shape)
 * </pre>
 * Each is recorded with that backward written in these recorded ops, so gradients of any order exist.
 * The bias gradient is a recorded sum of {@code g} over the sample and position axes.
 */
final class ConvolutionGrad {
    private ConvolutionGrad() {}

    /** The differentiable backward of {@code conv(x, w, bias)} with geometry {@code geo}. */
    static BackwardFn differentiableBackward(Tensor x, Tensor w, Tensor bias, ConvGeometry geo) {
        int[] xs = x.shape(), ws = w.shape();
        return g -> new Tensor[] {
            x.requiresGrad() ? transposed(g, w, geo, xs) : null,
            w.requiresGrad() ? weight(x, g, geo, ws) : null,
            bias != null && bias.requiresGrad() ? Reductions.sum(g, positionAxes(g.rank()), false) : null};
    }

    /** Axes 0, 2, 3, ...: every axis of {@code [N, O, *positions]} but the channel. */
    private static int[] positionAxes(int rank) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) axes[i - 1] = i;
        return axes;
    }

    /** {@code K(x, w)} without bias, output {@code [N, O, *out]}: the convolution as a recorded op. */
    static Tensor convolve(Tensor x, Tensor w, ConvGeometry geo, int[] outShape) {
        Tensor xd = x.detach().contiguous(), wd = w.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        if (x.dtype() == DType.FLOAT32) Conv.forward(geo, xd.floats(), wd.floats(), null, out.floats());
        else Conv.forward(geo, xd.doubles(), wd.doubles(), null, out.doubles());
        int[] xs = x.shape(), ws = w.shape();
        return Autograd.recordComposite(out, "conv", g -> new Tensor[] {
            x.requiresGrad() ? transposed(g, w, geo, xs) : null,
            w.requiresGrad() ? weight(x, g, geo, ws) : null}, x, w);
    }

    /** {@code T(dy, w)}: the input gradient of the convolution, shape {@code xShape}. */
    static Tensor transposed(Tensor dy, Tensor w, ConvGeometry geo, int[] xShape) {
        Tensor dd = dy.detach().contiguous(), wd = w.detach().contiguous();
        Tensor out = Tensor.zeros(dy.dtype(), xShape);
        if (dy.dtype() == DType.FLOAT32) Conv.inputGrad(geo, dd.floats(), wd.floats(), out.floats());
        else Conv.inputGrad(geo, dd.doubles(), wd.doubles(), out.doubles());
        int[] ds = dy.shape(), ws = w.shape();
        return Autograd.recordComposite(out, "conv_input_grad", g -> new Tensor[] {
            dy.requiresGrad() ? convolve(g, w, geo, ds) : null,
            w.requiresGrad() ? weight(g, dy, geo, ws) : null}, dy, w);
    }

    /** {@code W(x, dy)}: the weight gradient of the convolution, shape {@code wShape}. */
    static Tensor weight(Tensor x, Tensor dy, ConvGeometry geo, int[] wShape) {
        Tensor xd = x.detach().contiguous(), dd = dy.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), wShape);
        if (x.dtype() == DType.FLOAT32) Conv.weightGrad(geo, xd.floats(), dd.floats(), out.floats());
        else Conv.weightGrad(geo, xd.doubles(), dd.doubles(), out.doubles());
        int[] xs = x.shape(), ds = dy.shape();
        return Autograd.recordComposite(out, "conv_weight_grad", g -> new Tensor[] {
            x.requiresGrad() ? transposed(dy, g, geo, xs) : null,
            dy.requiresGrad() ? convolve(x, g, geo, ds) : null}, x, dy);
    }
}
