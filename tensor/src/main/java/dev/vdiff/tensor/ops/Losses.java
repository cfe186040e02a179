package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.kernels.LossKernels;

import java.util.Arrays;

/**
 * Mean regression losses of a prediction against a target of the same shape, as 0-d tensors, with
 * gradients for both (docs/ORACLE.md §5.14 and 5.15).
 *
 * <pre>{@code
 * Tensor pred = Tensor.of(new double[] {1, 2, 3}, 3), target = Tensor.of(new double[] {1, 0, 0}, 3);
 * Losses.mse(pred, target);                  // (0 + 4 + 9) / 3 = 4.333..., shape []
 * Losses.pseudoHuber(pred, target, 1.0);     // mean(sqrt(d^2 + 1) - 1) = (0 + 1.236 + 2.162) / 3
 * }</pre>
 *
 * <p>Both are fused kernels (one pass forward, one pass backward) summing in double; see {@link LossKernels}.
 * The pseudo-Huber loss (Charbonnier; used by consistency models) behaves like d^2/(2c) for |d| << c and
 * like |d| - c for |d| >> c.
 */
public final class Losses {
    private Losses() {}

    /** mean((input - target)^2), a 0-d tensor. */
    public static Tensor mse(Tensor input, Tensor target) {
        return loss("mse", input, target, -1);
    }

    /** mean(sqrt((input - target)^2 + c^2) - c), a 0-d tensor; c > 0. */
    public static Tensor pseudoHuber(Tensor input, Tensor target, double c) {
        if (!(c > 0) || Double.isInfinite(c)) throw new IllegalArgumentException("pseudoHuber: c must be a positive number, got " + c);
        return loss("pseudo_huber", input, target, c);
    }

    private static Tensor loss(String op, Tensor input, Tensor target, double huberC) {
        Arithmetic.sameFloatDtype(op, input, target);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(input.shape()) + " and target " + Shape.str(target.shape()) + " must have the same shape");
        }
        Tensor a = input.detach().contiguous(), b = target.detach().contiguous();   // plain data, no graph
        int n = a.numel();
        boolean f32 = a.dtype() == DType.FLOAT32;
        // float32 mode: the attribute c enters the arithmetic as a float32 number (docs/ORACLE.md §4)
        double c = huberC < 0 ? -1 : f32 ? (float) huberC : huberC;
        Device dev = OnDevice.of(input, target);
        if (dev != null) return onDevice(dev, op, input, target, a, b, c);
        double sum;
        if (f32) sum = huberC < 0 ? LossKernels.squaredErrorSum(a.floats(), b.floats(), n) : LossKernels.pseudoHuberSum(a.floats(), b.floats(), n, c);
        else sum = huberC < 0 ? LossKernels.squaredErrorSum(a.doubles(), b.doubles(), n) : LossKernels.pseudoHuberSum(a.doubles(), b.doubles(), n, c);
        Tensor out = Tensor.scalar(a.dtype(), sum / n);
        if (!Autograd.enabled() || !(input.requiresGrad() || target.requiresGrad())) return out;
        int[] shape = a.shape();
        return Autograd.record(out, op, g -> {
            double k = g.item() / n;
            Tensor da;
            if (f32) {
                float[] d = new float[n];
                LossKernels.gradient(a.floats(), b.floats(), d, n, k, c);
                da = Tensor.of(d, shape);
            } else {
                double[] d = new double[n];
                LossKernels.gradient(a.doubles(), b.doubles(), d, n, k, c);
                da = Tensor.of(d, shape);
            }
            // the loss depends on input - target only, so the target's gradient is the negative
            return new Tensor[] {input.requiresGrad() ? da : null, target.requiresGrad() ? Arithmetic.scale(da, -1) : null};
        }, input, target);
    }

    /**
     * The same loss for float32 tensors on another device (tor8, session 8): the penalty sum and the gradient run on
     * the device's backend ({@code KernelBackend.lossSum}, {@code lossGradient}) where the network's output is, so
     * only the loss comes home (a double per block of 4,096 elements); the gradient is made there and stays there.
     * The JVM device never gets here (the code above is the JVM path, unchanged).
     */
    private static Tensor onDevice(Device dev, String op, Tensor input, Tensor target, Tensor a, Tensor b, double c) {
        int n = a.numel();
        int[] shape = a.shape();
        float[] as = a.deviceFloats(), bs = b.deviceFloats();   // dense after contiguous(): not brought home
        Tensor out = Tensor.scalar(DType.FLOAT32, dev.kernels().lossSum(as, bs, n, c) / n);
        if (!Autograd.enabled() || !(input.requiresGrad() || target.requiresGrad())) return out;
        return Autograd.record(out, op, g -> {
            double k = g.item() / n;
            float[] d = new float[n];
            dev.kernels().lossGradient(as, bs, d, n, k, c);
            Tensor da = Tensor.of(d, shape);
            return new Tensor[] {input.requiresGrad() ? da : null, target.requiresGrad() ? Arithmetic.scale(da, -1) : null};
        }, input, target);
    }
}
