package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * SGD with momentum on float32 storage (SPEC's optimizer section; {@code torch.optim.SGD}'s operation order), the loop
 * {@code optim.SGD} runs and the JVM version of {@code KernelBackend.sgdStep} (tor8, session 8: SGD on a device).
 * Each element is computed in double from the stored float32 values and rounded where PyTorch stores a tensor (the
 * momentum buffer and p):
 * <pre>
 *   d = (float) (g + wd p);   with momentum: b = first ? d : (float) (mu b + (1 - dampening) d),  d = nesterov ? (float) (d + mu b) : b
 *   p = (float) (p - lr d)
 * </pre>
 */
public final class SgdKernels {
    private SgdKernels() {}

    /** One step's coefficients; {@code first}: the momentum buffer is set to d (its first step). */
    public record Step(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean first) {}

    /** One SGD step in place on p [n] (and the momentum buffer buf [n], null without momentum) from g [n]. */
    public static void step(float[] p, float[] g, float[] buf, int n, Step s, int grain) {
        Parallel.forRange(n, grain, (lo, hi) -> range(p, g, buf, lo, hi, s));
    }

    /** {@link #step} on elements [lo, hi). */
    public static void range(float[] p, float[] g, float[] buf, int lo, int hi, Step s) {
        double lr = s.lr(), momentum = s.momentum(), dampening = s.dampening(), weightDecay = s.weightDecay();
        boolean nesterov = s.nesterov(), first = s.first();
        for (int i = lo; i < hi; i++) {
            double d = (float) (g[i] + weightDecay * p[i]);
            if (buf != null) {
                float b = first ? (float) d : (float) (momentum * buf[i] + (1 - dampening) * d);
                buf[i] = b;
                d = nesterov ? (float) (d + momentum * b) : b;
            }
            p[i] = (float) (p[i] - lr * d);
        }
    }
}
