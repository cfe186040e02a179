package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers: a fixed, named set of parameters ({@code model.namedParameters()}) updated in place
 * from their {@link Tensor#grad() gradients}, outside autodiff, as in {@code torch.optim}.
 *
 * <p>Per-parameter state (moments, step counts) is exposed as a flat map of tensors keyed
 * {@code <parameter name>.<slot>} (for example {@code enc.conv1.weight.exp_avg}), so a checkpoint writes it
 * with the same tensor-file code as the weights, and {@link #loadStateDict} resumes exactly.
 * A parameter whose gradient is null is skipped by {@link #step()} and its state is left untouched (PyTorch).
 *
 * <p>Updates are elementwise and split over {@link dev.vdiff.tensor.Parallel}, so their bits do not depend
 * on the thread count.
 */
public abstract class Optimizer {
    /** Below this many elements an update runs on the calling thread. */
    static final int GRAIN = 1 << 14;

    private final Map<String, Tensor> params;
    private double lr;

    protected Optimizer(String what, Map<String, Tensor> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(what + ": no parameters to optimize");
        for (var e : params.entrySet()) {
            Tensor p = e.getValue();
            if (!p.dtype().isFloat()) throw new IllegalArgumentException(what + ": parameter '" + e.getKey() + "' is " + p.dtype() + ", must be float32 or float64");
            if (!p.isDense()) throw new IllegalArgumentException(what + ": parameter '" + e.getKey() + "' " + Shape.str(p.shape()) + " is a strided view; optimizers update dense storage in place");
        }
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        setLr(lr);
    }

    /** The parameters, by name, in the order given. */
    public Map<String, Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    /** Sets the learning rate used by the next {@link #step()} (a schedule calls this before each step). */
    public void setLr(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    /** Applies one update to every parameter that has a gradient. */
    public abstract void step();

    /** Forgets every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor p : params.values()) p.zeroGrad();
    }

    /** A snapshot (copies) of the optimizer state, keyed {@code <parameter>.<slot>}. */
    public abstract Map<String, Tensor> stateDict();

    /**
     * Replaces the state with {@code state} (as written by {@link #stateDict()}; float dtypes are converted to
     * the parameter's). Parameters without entries start fresh. Unknown names or wrong shapes are an error that
     * lists them.
     */
    public abstract void loadStateDict(Map<String, Tensor> state);

    // ---------------------------------------------------------------- helpers for subclasses

    /** The dense gradient of {@code p}, or null when it has none. */
    static Tensor gradOf(String name, Tensor p) {
        Tensor g = p.grad();
        if (g == null) return null;
        if (g.dtype() != p.dtype() || !Arrays.equals(g.shape(), p.shape())) {
            throw new IllegalStateException("gradient of '" + name + "' is " + g.dtype() + Shape.str(g.shape()) + ", parameter is " + p.dtype() + Shape.str(p.shape()));
        }
        return g.contiguous();
    }

    /**
     * Checks that every key of {@code state} is {@code <known parameter>.<one of slots>} with the right shape
     * (scalar slots are 0-d); throws one message listing every problem.
     */
    void validateState(Map<String, Tensor> state, List<String> tensorSlots, List<String> scalarSlots) {
        List<String> problems = new ArrayList<>();
        for (var e : state.entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String name = dot < 0 ? key : key.substring(0, dot), slot = dot < 0 ? "" : key.substring(dot + 1);
            Tensor p = params.get(name);
            if (p == null || !(tensorSlots.contains(slot) || scalarSlots.contains(slot))) {
                problems.add("unexpected '" + key + "'");
                continue;
            }
            int[] want = tensorSlots.contains(slot) ? p.shape() : new int[0];
            if (!Arrays.equals(want, e.getValue().shape())) problems.add("'" + key + "' has shape " + Shape.str(e.getValue().shape()) + ", expected " + Shape.str(want));
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            throw new IllegalArgumentException(getClass().getSimpleName() + " state does not fit its parameters: " + String.join("; ", problems.subList(0, shown))
                + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
    }

    /** A dense copy of a saved slot converted to the parameter's dtype, or null when absent. */
    static Tensor loadSlot(Map<String, Tensor> state, String key, Tensor like) {
        Tensor t = state.get(key);
        return t == null ? null : t.detach().to(like.dtype()).copy();
    }

    /** A 0-d int64 tensor holding a step count. */
    static Tensor stepTensor(long step) {
        return Tensor.ofLongs(new long[] {step});
    }
}
