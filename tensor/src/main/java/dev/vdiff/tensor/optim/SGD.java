package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.kernels.SgdKernels;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, in the operation order of {@code torch.optim.SGD}
 * (Sutskever et al. 2013 form: the learning rate multiplies the buffer, not the other way round).
 * For each parameter p with gradient g:
 * <pre>
 *   d = g + weight_decay * p                          coupled (L2) weight decay
 *   if momentum != 0:
 *     b = d                                   at the parameter's first step
 *     b = momentum * b + (1 - dampening) * d  afterwards
 *     d = d + momentum * b   if nesterov,  else  d = b
 *   p = p - lr * d
 * </pre>
 * Defaults: momentum 0, dampening 0, weight decay 0, nesterov false. Nesterov needs momentum > 0 and
 * dampening 0 (as in PyTorch).
 *
 * <p>Float32 parameters: each element computed in double from the stored float32 values and rounded where
 * PyTorch stores a tensor (the buffer and p). State slot: {@code <name>.momentum_buffer} (only with momentum).
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buffers = new HashMap<>();

    /** Plain SGD: {@code p -= lr * g}. */
    public SGD(Map<String, Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    public SGD(Map<String, Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super("SGD", params, lr);
        if (!(momentum >= 0) || !(dampening >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("SGD: momentum, dampening and weight_decay must be >= 0, got " + momentum + ", " + dampening + ", " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("SGD: nesterov momentum requires momentum > 0 and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    public void step() {
        double lr = lr();
        for (var e : params().entrySet()) {
            Tensor p = e.getValue();
            Tensor g = gradOf(e.getKey(), p);
            if (g == null) continue;
            int n = p.numel();
            Tensor buf = buffers.get(e.getKey());
            boolean first = buf == null;
            if (momentum != 0 && first) {
                buf = Tensor.zerosLike(p);
                buffers.put(e.getKey(), buf);
            }
            Tensor b = buf;
            Device dev = OnDevice.of(p, g, b);
            if (dev != null) {   // float32 on another device (tor8, session 8): updated where the parameter is
                dev.kernels().sgdStep(p.deviceFloats(), g.deviceFloats(), b == null ? null : b.deviceFloats(), n,
                    new SgdKernels.Step(lr, momentum, dampening, weightDecay, nesterov, first));
            } else if (p.dtype() == DType.FLOAT32) {
                float[] pp = p.floats(), gg = g.floats(), bb = b == null ? null : b.floats();
                Parallel.forRange(n, GRAIN, (lo, hi) -> kernelF(pp, gg, bb, lo, hi, lr, momentum, dampening, weightDecay, nesterov, first));
            } else {
                double[] pp = p.doubles(), gg = g.doubles(), bb = b == null ? null : b.doubles();
                Parallel.forRange(n, GRAIN, (lo, hi) -> kernelD(pp, gg, bb, lo, hi, lr, momentum, dampening, weightDecay, nesterov, first));
            }
        }
    }

    /** One SGD step on elements [lo, hi); p, g, buf (null without momentum) all [n]. */
    static void kernelF(float[] p, float[] g, float[] buf, int lo, int hi, double lr, double momentum,
                        double dampening, double weightDecay, boolean nesterov, boolean first) {
        SgdKernels.range(p, g, buf, lo, hi, new SgdKernels.Step(lr, momentum, dampening, weightDecay, nesterov, first));   // the loop moved there (session 8)
    }

    /** One SGD step on elements [lo, hi); p, g, buf (null without momentum) all [n]. */
    static void kernelD(double[] p, double[] g, double[] buf, int lo, int hi, double lr, double momentum,
                        double dampening, double weightDecay, boolean nesterov, boolean first) {
        for (int i = lo; i < hi; i++) {
            double d = g[i] + weightDecay * p[i];
            if (buf != null) {
                double b = first ? d : momentum * buf[i] + (1 - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] = p[i] - lr * d;
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : params().keySet()) {
            Tensor b = buffers.get(name);
            if (b != null) out.put(name + ".momentum_buffer", b.copy());
        }
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> saved) {
        validateState(saved, List.of("momentum_buffer"), List.of());
        Map<String, Tensor> fresh = new HashMap<>();
        for (var e : params().entrySet()) {
            Tensor b = loadSlot(saved, e.getKey() + ".momentum_buffer", e.getValue());
            if (b != null) fresh.put(e.getKey(), b);
        }
        buffers.clear();
        buffers.putAll(fresh);
    }
}
