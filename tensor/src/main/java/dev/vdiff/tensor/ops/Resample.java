package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.ResampleKernels;

/**
 * Nearest-neighbour upsampling and average pooling of {@code [N, C, H, W]} images (docs/ORACLE.md §5.12, 5.13).
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
 * Resample.upsampleNearest2d(x, 2);   // [1, 1, 4, 4]: each pixel becomes a 2x2 block
 * Resample.avgPool2d(x, 2, 2);        // [1, 1, 1, 1] holding 2.5
 * }</pre>
 */
public final class Resample {
    private Resample() {}

    /**
     * {@code out[n, c, i, j] = x[n, c, i / scale, j / scale]}, shape {@code [N, C, H*scale, W*scale]}.
     * The gradient of a pixel is the sum of the upstream over its scale x scale block.
     */
    public static Tensor upsampleNearest2d(Tensor x, int scale) {
        int[] s = imageShape("upsampleNearest2d", x);
        if (scale < 1) throw new IllegalArgumentException("upsampleNearest2d: scale must be >= 1, got " + scale);
        int planes = s[0] * s[1], h = s[2], w = s[3];
        int[] outShape = {s[0], s[1], h * scale, w * scale};
        Shape.numel(outShape);   // rejects sizes past 2^31-1 with a message naming the shape
        Device d = OnDevice.of(x);
        Tensor c = d != null ? x.detach() : x.detach().contiguous();
        Tensor out;
        if (d != null) {
            out = OnDevice.upsampleNearest(d, c, scale);   // float32 on a device: a strided copy there
        } else if (c.dtype() == DType.FLOAT32) {
            float[] y = new float[Shape.numel(outShape)];
            ResampleKernels.upsampleNearest(c.floats(), y, planes, h, w, scale);
            out = Tensor.of(y, outShape);
        } else {
            double[] y = new double[Shape.numel(outShape)];
            ResampleKernels.upsampleNearest(c.doubles(), y, planes, h, w, scale);
            out = Tensor.of(y, outShape);
        }
        return Autograd.record(out, "upsample_nearest2d", g -> {
            Device dg = OnDevice.of(g);
            if (dg != null) return new Tensor[] {OnDevice.upsampleNearestGrad(dg, g, s, scale)};   // summed there, same order
            if (g.dtype() == DType.FLOAT32) {
                float[] dx = new float[planes * h * w];
                ResampleKernels.upsampleNearestBackward(g.floats(), dx, planes, h, w, scale);
                return new Tensor[] {Tensor.of(dx, s)};
            }
            double[] dx = new double[planes * h * w];
            ResampleKernels.upsampleNearestBackward(g.doubles(), dx, planes, h, w, scale);
            return new Tensor[] {Tensor.of(dx, s)};
        }, x);
    }

    /**
     * Average over {@code kernel x kernel} windows taken every {@code stride} pixels, no padding, floor mode:
     * {@code Hout = (H - kernel) / stride + 1}. Rows and columns that no window reaches get zero gradient.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride) {
        int[] s = imageShape("avgPool2d", x);
        if (kernel < 1 || stride < 1) throw new IllegalArgumentException("avgPool2d: kernel and stride must be >= 1, got kernel " + kernel + ", stride " + stride);
        int planes = s[0] * s[1], h = s[2], w = s[3];
        if (h < kernel || w < kernel) throw new IllegalArgumentException("avgPool2d: input " + Shape.str(s) + " is smaller than the " + kernel + "x" + kernel + " window");
        int[] outShape = {s[0], s[1], (h - kernel) / stride + 1, (w - kernel) / stride + 1};
        Tensor c = x.detach().contiguous();
        Tensor out;
        if (c.dtype() == DType.FLOAT32) {
            float[] y = new float[Shape.numel(outShape)];
            ResampleKernels.avgPool(c.floats(), y, planes, h, w, kernel, stride);
            out = Tensor.of(y, outShape);
        } else {
            double[] y = new double[Shape.numel(outShape)];
            ResampleKernels.avgPool(c.doubles(), y, planes, h, w, kernel, stride);
            out = Tensor.of(y, outShape);
        }
        return Autograd.record(out, "avg_pool2d", g -> {
            if (g.dtype() == DType.FLOAT32) {
                float[] dx = new float[planes * h * w];
                ResampleKernels.avgPoolBackward(g.floats(), dx, planes, h, w, kernel, stride);
                return new Tensor[] {Tensor.of(dx, s)};
            }
            double[] dx = new double[planes * h * w];
            ResampleKernels.avgPoolBackward(g.doubles(), dx, planes, h, w, kernel, stride);
            return new Tensor[] {Tensor.of(dx, s)};
        }, x);
    }

    private static int[] imageShape(String op, Tensor x) {
        Reductions.requireFloat(op, x);
        if (x.rank() != 4) throw new IllegalArgumentException(op + ": expects x [N, C, H, W], got shape " + Shape.str(x.shape()));
        return x.shape();
    }
}
