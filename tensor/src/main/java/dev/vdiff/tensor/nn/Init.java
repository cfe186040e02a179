package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * PyTorch's default parameter initialisations ({@code torch.nn.init}), drawn from an {@link Rng}. The
 * distributions match PyTorch; the bits do not (different generator).
 *
 * <p>Linear and convolution layers call {@code kaiming_uniform_(weight, a = sqrt(5))}: with
 * {@code gain = sqrt(2 / (1 + a^2)) = sqrt(1/3)} the bound {@code gain * sqrt(3 / fan_in)} is
 * {@code 1 / sqrt(fan_in)}; e.g. {@code Linear(64, 256)} draws weights from U(-1/8, 1/8). Their biases come
 * from the same U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
public final class Init {
    private Init() {}

    /** The leaky-ReLU slope PyTorch passes to kaiming_uniform_ in Linear/Conv reset_parameters. */
    public static final double DEFAULT_A = Math.sqrt(5);

    /** {@code kaiming_uniform_(w, a)} (fan_in mode): U(-b, b) with {@code b = sqrt(2 / (1 + a^2)) * sqrt(3 / fanIn)}. */
    public static Tensor kaimingUniform(Rng rng, DType dtype, double a, int fanIn, int... shape) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        return symmetricUniform(rng, dtype, fanIn > 0 ? gain * Math.sqrt(3.0 / fanIn) : 0, shape);
    }

    /** PyTorch's Linear/Conv bias init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), zeros when fanIn is 0. */
    public static Tensor fanInUniform(Rng rng, DType dtype, int fanIn, int... shape) {
        return symmetricUniform(rng, dtype, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, shape);
    }

    /** U(-bound, bound); zeros for bound 0. */
    public static Tensor symmetricUniform(Rng rng, DType dtype, double bound, int... shape) {
        return bound > 0 ? rng.uniform(-bound, bound, dtype, shape) : Tensor.zeros(dtype, shape);
    }
}
