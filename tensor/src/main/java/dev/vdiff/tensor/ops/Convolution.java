package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.OpProfile;
import dev.vdiff.tensor.kernels.Conv;
import dev.vdiff.tensor.kernels.ConvGeometry;

/**
 * 2-D and 3-D convolution as in PyTorch's {@code conv2d}/{@code conv3d} with dilation 1 and one group:
 * cross-correlation (the kernel is not flipped), symmetric zero padding, output size
 * {@code floor((H + 2p - k) / s) + 1} per axis. conv2d is conv3d with a depth of 1.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
 * Tensor w = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2);    // x[i][j] - x[i+1][j+1]
 * Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {0, 0});   // [[[[-4, -4], [-4, -4]]]]
 * }</pre>
 *
 * Backward: {@code dx} is the transposed convolution of dy with w (input positions no window reads, such
 * as the last rows with stride 2 and the wrong parity, get 0), {@code dw = sum over images of dy . col^T},
 * {@code db = sum of dy over images and positions}. All as products on {@link dev.vdiff.tensor.kernels.Gemm}
 * with implicit im2col ({@link Conv}).
 */
public final class Convolution {
    private Convolution() {}

    /** x {@code [N, C, H, W]}, w {@code [O, C, kH, kW]}, bias {@code [O]} or null, stride and padding {@code [h, w]}. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding) {
        checkArgs("conv2d", x, w, bias, stride, padding, 2);
        int[] sx = x.shape(), sw = w.shape();
        ConvGeometry g = new ConvGeometry(sx[0], sx[1], 1, sx[2], sx[3], sw[0], 1, sw[2], sw[3],
            1, stride[0], stride[1], 0, padding[0], padding[1]);
        return run("conv2d", x, w, bias, g, new int[] {g.n, g.o, g.oh, g.ow});
    }

    /** x {@code [N, C, D, H, W]}, w {@code [O, C, kD, kH, kW]}, bias {@code [O]} or null, stride and padding {@code [d, h, w]}. */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding) {
        checkArgs("conv3d", x, w, bias, stride, padding, 3);
        int[] sx = x.shape(), sw = w.shape();
        ConvGeometry g = new ConvGeometry(sx[0], sx[1], sx[2], sx[3], sx[4], sw[0], sw[2], sw[3], sw[4],
            stride[0], stride[1], stride[2], padding[0], padding[1], padding[2]);
        return run("conv3d", x, w, bias, g, new int[] {g.n, g.o, g.od, g.oh, g.ow});
    }

    private static Tensor run(String op, Tensor x, Tensor w, Tensor bias, ConvGeometry g, int[] outShape) {
        Tensor xd = x.detach().contiguous(), wd = w.detach().contiguous();
        Tensor bd = bias == null ? null : bias.detach().contiguous();
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        KernelBackend be = Tensor.deviceOf(x, w, bias).kernels();
        if (x.dtype() == DType.FLOAT32) {
            be.convForward(g, xd.deviceFloats(), wd.deviceFloats(), bd == null ? null : bd.deviceFloats(), out.deviceFloats());
        } else {
            Conv.forward(g, xd.doubles(), wd.doubles(), bd == null ? null : bd.doubles(), out.doubles());
        }
        if (OpProfile.on()) OpProfile.forwardOp(op + shapeKey(g));   // per-shape profile row; record's own mark gets ~0
        return Autograd.withSecondOrder(Autograd.record(out, op, gy -> {
            Tensor dy = gy.contiguous();
            Tensor gx = x.requiresGrad() ? Tensor.zeros(x.dtype(), x.shape()) : null;
            Tensor gw = w.requiresGrad() ? Tensor.zeros(w.dtype(), w.shape()) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.zeros(bias.dtype(), bias.shape()) : null;
            if (x.dtype() == DType.FLOAT32) {
                String at = OpProfile.on() ? op + shapeKey(g) : null;   // profile keys (vdiff bench --profile-ops); null when off
                if (at != null) OpProfile.mark("bwd", at + ".alloc");
                if (gx != null) be.convInputGrad(g, dy.deviceFloats(), wd.deviceFloats(), gx.deviceFloats());
                if (at != null) OpProfile.mark("bwd", at + ".input_grad");
                if (gw != null) be.convWeightGrad(g, xd.deviceFloats(), dy.deviceFloats(), gw.deviceFloats());
                if (at != null) OpProfile.mark("bwd", at + ".weight_grad");
                if (gb != null) be.convBiasGrad(g, dy.deviceFloats(), gb.deviceFloats());
                if (at != null) OpProfile.mark("bwd", at + ".bias_grad");
            } else {
                if (gx != null) Conv.inputGrad(g, dy.doubles(), wd.doubles(), gx.doubles());
                if (gw != null) Conv.weightGrad(g, xd.doubles(), dy.doubles(), gw.doubles());
                if (gb != null) Conv.biasGrad(g, dy.doubles(), gb.doubles());
            }
            return new Tensor[] {gx, gw, gb};
        }, x, w, bias), ConvolutionGrad.differentiableBackward(x, w, bias, g));
    }

    /** {@code [NxC->O kKxK sS HxW]} for the profile's per-shape rows. */
    private static String shapeKey(ConvGeometry g) {
        return "[" + g.n + "x" + g.c + "->" + g.o + " k" + (g.kd > 1 ? g.kd + "x" : "") + g.kh + "x" + g.kw + " s" + g.sh + " " + g.h + "x" + g.w + "]";
    }

    private static void checkArgs(String op, Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int dims) {
        Arithmetic.sameFloatDtype(op, x, w);
        if (bias != null) Arithmetic.sameFloatDtype(op, x, bias);
        String xs = Shape.str(x.shape()), ws = Shape.str(w.shape());
        String layout = dims == 2 ? "x [N, C, H, W] and weight [O, C, kH, kW]" : "x [N, C, D, H, W] and weight [O, C, kD, kH, kW]";
        if (x.rank() != dims + 2 || w.rank() != dims + 2) throw new IllegalArgumentException(op + ": expects " + layout + ", got x" + xs + " and weight" + ws);
        if (x.shape(1) != w.shape(1)) throw new IllegalArgumentException(op + ": x" + xs + " has " + x.shape(1) + " channels but weight" + ws + " expects " + w.shape(1));
        if (bias != null && (bias.rank() != 1 || bias.shape(0) != w.shape(0))) {
            throw new IllegalArgumentException(op + ": bias must be [" + w.shape(0) + "] for weight" + ws + ", got bias" + Shape.str(bias.shape()));
        }
        if (stride == null || padding == null || stride.length != dims || padding.length != dims) {
            throw new IllegalArgumentException(op + ": stride and padding need " + dims + " values each, got " + str(stride) + " and " + str(padding));
        }
        for (int i = 0; i < dims; i++) {
            if (stride[i] < 1 || padding[i] < 0) throw new IllegalArgumentException(op + ": stride must be >= 1 and padding >= 0, got stride " + str(stride) + " padding " + str(padding));
            int size = x.shape(2 + i), k = w.shape(2 + i);
            if (size + 2 * padding[i] < k) {
                throw new IllegalArgumentException(op + ": kernel " + ws + " is larger than the padded input x" + xs + " with padding " + str(padding));
            }
        }
        if (x.numel() == 0 || w.numel() == 0) throw new IllegalArgumentException(op + ": empty tensor x" + xs + " or weight" + ws);
    }

    private static String str(int[] a) {
        return a == null ? "null" : java.util.Arrays.toString(a);
    }
}
