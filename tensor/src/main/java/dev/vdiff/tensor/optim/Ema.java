package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.kernels.OptimizerKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of parameters (the "EMA model" of diffusion training; the target network
 * {@code theta^- <- stopgrad(mu theta^- + (1 - mu) theta)} of consistency distillation, SPEC §3.1 eq. 4, and
 * MCM's motion-head target with decay 0.95, SPEC §4.2):
 * <pre>
 *   shadow = shadow + (1 - decay) * (param - shadow)      (= decay * shadow + (1 - decay) * param)
 * </pre>
 * written as {@code torch.optim.swa_utils.get_ema_multi_avg_fn} and diffusers' {@code EMAModel} do. The shadow
 * starts as a copy of the parameters and keeps their dtype (float32 values are computed in double and rounded).
 * The loop is {@link OptimizerKernels#ema}; a float32 average is updated by its parameter's device
 * ({@link dev.vdiff.tensor.backend.KernelBackend#emaUpdate}), so a device keeps both where they are.
 *
 * <pre>{@code
 * Ema ema = new Ema(model.namedParameters(), 0.999);
 * ... optimizer.step(); ema.update(model.namedParameters());
 * ema.swap(model.namedParameters());   // evaluate with the averaged weights
 * ... ;  ema.swap(model.namedParameters());   // and back to the trained ones
 * }</pre>
 */
public final class Ema {
    private final double decay;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();

    public Ema(Map<String, Tensor> params, double decay) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("Ema: decay must be in [0, 1], got " + decay);
        this.decay = decay;
        for (var e : params.entrySet()) {
            if (!e.getValue().dtype().isFloat()) throw new IllegalArgumentException("Ema: parameter '" + e.getKey() + "' is " + e.getValue().dtype() + ", must be float");
            shadow.put(e.getKey(), e.getValue().copy());
        }
    }

    public double decay() {
        return decay;
    }

    /** The averaged values by name (live tensors: do not modify). */
    public Map<String, Tensor> shadow() {
        return Collections.unmodifiableMap(shadow);
    }

    /** Moves the average toward the current parameter values. */
    public void update(Map<String, Tensor> params) {
        requireSameNames("update", params);
        double w = 1 - decay;
        for (var e : shadow.entrySet()) {
            Tensor s = e.getValue();
            Tensor p = params.get(e.getKey()).contiguous();
            if (p.dtype() != s.dtype()) p = p.detach().to(s.dtype());
            int n = s.numel();
            if (s.dtype() == DType.FLOAT32) {   // on the parameter's device (the shadow's arrays go where it is)
                Tensor.deviceOf(s, p).kernels().emaUpdate(s.deviceFloats(), p.deviceFloats(), n, w);
            } else {
                OptimizerKernels.ema(s.doubles(), p.doubles(), n, w);   // float64: the JVM
            }
        }
    }

    /** Overwrites the parameters' storage with the averaged values (converted to each parameter's dtype). */
    public void copyTo(Map<String, Tensor> params) {
        requireSameNames("copyTo", params);
        for (var e : shadow.entrySet()) {
            Tensor dst = params.get(e.getKey());
            Tensor src = e.getValue().to(dst.dtype());
            System.arraycopy(src.storage(), 0, dst.storage(), 0, dst.numel());
        }
    }

    /** Exchanges parameter values and averaged values in place; calling it twice restores both. */
    public void swap(Map<String, Tensor> params) {
        requireSameNames("swap", params);
        for (var e : shadow.entrySet()) {
            Tensor dst = params.get(e.getKey());
            if (dst.dtype() != e.getValue().dtype()) throw new IllegalArgumentException("Ema.swap: '" + e.getKey() + "' is " + dst.dtype() + ", average is " + e.getValue().dtype());
            Object tmp = Tensor.allocate(dst.dtype(), dst.numel());
            System.arraycopy(dst.storage(), 0, tmp, 0, dst.numel());
            System.arraycopy(e.getValue().storage(), 0, dst.storage(), 0, dst.numel());
            System.arraycopy(tmp, 0, e.getValue().storage(), 0, dst.numel());
        }
    }

    /** A snapshot (copies) of the averaged values under the parameter names. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : shadow.entrySet()) out.put(e.getKey(), e.getValue().copy());
        return out;
    }

    /** Replaces the averaged values (same names and shapes; float dtypes are converted). */
    public void loadStateDict(Map<String, Tensor> state) {
        requireSameNames("loadStateDict", state);
        for (var e : shadow.entrySet()) {
            Tensor src = state.get(e.getKey()).detach().to(e.getValue().dtype()).contiguous();
            System.arraycopy(src.storage(), 0, e.getValue().storage(), 0, src.numel());
        }
    }

    /** Names must match exactly, shapes too, and parameters must be dense; the message lists every problem. */
    private void requireSameNames(String op, Map<String, Tensor> params) {
        List<String> problems = new ArrayList<>();
        for (var e : shadow.entrySet()) {
            Tensor p = params.get(e.getKey());
            if (p == null) problems.add("missing '" + e.getKey() + "'");
            else if (!Arrays.equals(p.shape(), e.getValue().shape())) problems.add("'" + e.getKey() + "' has shape " + Shape.str(p.shape()) + ", average has " + Shape.str(e.getValue().shape()));
            else if (!p.isDense() && !op.equals("update") && !op.equals("loadStateDict")) problems.add("'" + e.getKey() + "' is a strided view");
        }
        for (String k : params.keySet()) if (!shadow.containsKey(k)) problems.add("unexpected '" + k + "'");
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            throw new IllegalArgumentException("Ema." + op + ": parameters do not match the average: " + String.join("; ", problems.subList(0, shown))
                + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
    }
}
