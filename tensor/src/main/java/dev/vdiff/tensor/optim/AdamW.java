package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.kernels.OptimizerKernels;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
 * Algorithm 2), in the operation order of {@code torch.optim.AdamW} (single-tensor path, no amsgrad).
 * For each parameter p with gradient g at its step t = 1, 2, ...:
 * <pre>
 *   p  = p * (1 - lr * weight_decay)                 decoupled decay, before the Adam step
 *   m  = m + (1 - beta1) * (g - m)                   exp_avg      (torch: lerp)
 *   v  = beta2 * v + (1 - beta2) * g * g             exp_avg_sq
 *   bc1 = 1 - beta1^t,  bc2 = 1 - beta2^t
 *   denom = sqrt(v) / sqrt(bc2) + eps
 *   p  = p - (lr / bc1) * m / denom
 * </pre>
 * Defaults as PyTorch: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2.
 *
 * <p>Float32 parameters keep float32 moments; each element's update is computed in double from the stored
 * float32 values and rounded where PyTorch stores a tensor (m, v, p). Float64 is double throughout. The loops are
 * {@link OptimizerKernels#adamw}; a float32 parameter is updated by its device's
 * {@link KernelBackend#adamwStep} (the JVM's forwards to that kernel; a device keeps p, g, m and v where they are).
 *
 * <p>State slots: {@code <name>.step} (0-d int64), {@code <name>.exp_avg}, {@code <name>.exp_avg_sq}.
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, Slot> state = new HashMap<>();

    /** Per-parameter state, created at the parameter's first step with a gradient. */
    private static final class Slot {
        long step;
        Tensor expAvg, expAvgSq;
    }

    /** PyTorch defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(Map<String, Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(Map<String, Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("AdamW", params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        if (!(eps >= 0) || !(weightDecay >= 0)) throw new IllegalArgumentException("AdamW: eps and weight_decay must be >= 0, got eps " + eps + ", weight_decay " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** The number of steps taken by parameter {@code name} (0 before its first step). */
    public long stepCount(String name) {
        Slot s = state.get(name);
        return s == null ? 0 : s.step;
    }

    @Override
    public void step() {
        double lr = lr();
        for (var e : params().entrySet()) {
            Tensor p = e.getValue();
            Tensor g = gradOf(e.getKey(), p);
            if (g == null) continue;
            Slot s = state.computeIfAbsent(e.getKey(), k -> {
                Slot n = new Slot();
                n.expAvg = Tensor.zerosLike(p);
                n.expAvgSq = Tensor.zerosLike(p);
                return n;
            });
            s.step++;
            OptimizerKernels.AdamWStep coef = new OptimizerKernels.AdamWStep(1 - lr * weightDecay, beta1, beta2, eps,
                lr / (1 - Math.pow(beta1, s.step)), Math.sqrt(1 - Math.pow(beta2, s.step)));
            int n = p.numel();
            if (p.dtype() == DType.FLOAT32) {
                // on the parameter's device; the arrays as a backend takes them (a device may hold newer values of each)
                KernelBackend be = Tensor.deviceOf(p, g).kernels();
                be.adamwStep(p.deviceFloats(), g.deviceFloats(), s.expAvg.deviceFloats(), s.expAvgSq.deviceFloats(), n, coef);
            } else {
                OptimizerKernels.adamw(p.doubles(), g.doubles(), s.expAvg.doubles(), s.expAvgSq.doubles(), n, coef);   // float64: the JVM
            }
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : params().keySet()) {
            Slot s = state.get(name);
            if (s == null) continue;
            out.put(name + ".step", stepTensor(s.step));
            out.put(name + ".exp_avg", s.expAvg.copy());
            out.put(name + ".exp_avg_sq", s.expAvgSq.copy());
        }
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> saved) {
        validateState(saved, List.of("exp_avg", "exp_avg_sq"), List.of("step"));
        Map<String, Slot> fresh = new HashMap<>();
        for (var e : params().entrySet()) {
            String name = e.getKey();
            boolean any = saved.containsKey(name + ".step") || saved.containsKey(name + ".exp_avg") || saved.containsKey(name + ".exp_avg_sq");
            if (!any) continue;
            if (!(saved.containsKey(name + ".step") && saved.containsKey(name + ".exp_avg") && saved.containsKey(name + ".exp_avg_sq"))) {
                throw new IllegalArgumentException("AdamW state of '" + name + "' is incomplete: needs step, exp_avg and exp_avg_sq");
            }
            Slot s = new Slot();
            s.step = (long) saved.get(name + ".step").item();
            s.expAvg = loadSlot(saved, name + ".exp_avg", e.getValue());
            s.expAvgSq = loadSlot(saved, name + ".exp_avg_sq", e.getValue());
            fresh.put(name, s);
        }
        state.clear();
        state.putAll(fresh);
    }
}
