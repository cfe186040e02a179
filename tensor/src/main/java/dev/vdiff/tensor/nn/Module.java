package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model with named parameters and sub-modules, as in PyTorch's {@code nn.Module}: parameter names
 * join the path of sub-module names with dots ({@code enc1_res.conv1.weight}), in registration order, so a
 * {@link #stateDict()} saved here reads in PyTorch under the same names and vice versa.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    /** Registers a parameter (a float leaf; it is marked as requiring a gradient) and returns it. */
    protected Tensor param(String name, Tensor value) {
        if (!value.dtype().isFloat()) throw new IllegalArgumentException("parameter '" + name + "' must be float32 or float64, got " + value.dtype());
        if (params.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        value.requiresGrad(true).named(name);
        params.put(name, value);
        return value;
    }

    /**
     * Registers a buffer: state that is not trained by gradients but belongs in a checkpoint (as PyTorch's
     * {@code register_buffer}), e.g. a spectral norm's power-iteration vector. It is part of
     * {@link #stateDict()} and {@link #loadStateDict}, never of {@link #parameters()}.
     */
    protected Tensor buffer(String name, Tensor value) {
        if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        if (value.requiresGrad()) throw new IllegalArgumentException("buffer '" + name + "' must not require a gradient");
        buffers.put(name, value.named(name));
        return value;
    }

    /** Every buffer under its full dotted name (a module's own first, then its children's). */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
    }

    /** Registers a sub-module and returns it. */
    protected <M extends Module> M child(String name, M m) {
        if (params.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        children.put(name, m);
        return m;
    }

    /** Every parameter under its full dotted name, in registration order (depth first). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        // PyTorch order: a module's own parameters first, then its children's, each in registration order.
        for (var e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    /** This module (name "") and every sub-module under its dotted path, depth first in registration order. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return Collections.unmodifiableMap(out);
    }

    private static void collectModules(String path, Module m, Map<String, Module> out) {
        out.put(path, m);
        for (var e : m.children.entrySet()) collectModules(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /** The parameters' and then the buffers' current values (the same tensors; copy them to snapshot). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> b = namedBuffers();
        if (b.isEmpty()) return namedParameters();
        Map<String, Tensor> all = new LinkedHashMap<>(namedParameters());
        all.putAll(b);
        return Collections.unmodifiableMap(all);
    }

    /**
     * Copies values into the parameters by name, converting float64/float32 when the file's dtype differs.
     * Strict: every parameter must be present with its exact shape and no extra names may appear; the error
     * lists what is missing, unexpected or mis-shaped.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        List<String> problems = new ArrayList<>();
        for (var e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) problems.add("missing '" + e.getKey() + "'");
            else if (!Arrays.equals(src.shape(), e.getValue().shape())) problems.add("'" + e.getKey() + "' has shape " + Shape.str(src.shape()) + ", model expects " + Shape.str(e.getValue().shape()));
        }
        for (String k : state.keySet()) if (!mine.containsKey(k)) problems.add("unexpected '" + k + "'");
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            throw new IllegalArgumentException("state dict does not fit " + getClass().getSimpleName() + ": " + String.join("; ", problems.subList(0, shown)) + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
        for (var e : mine.entrySet()) {
            Tensor dst = e.getValue();
            Tensor src = state.get(e.getKey()).to(dst.dtype()).contiguous();
            System.arraycopy(src.storage(), 0, dst.storage(), 0, dst.numel());
        }
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor t : namedParameters().values()) t.zeroGrad();
    }

    /** The dtype of the first parameter (modules hold one dtype). */
    public DType dtype() {
        for (Tensor t : namedParameters().values()) return t.dtype();
        return DType.FLOAT32;
    }
}
