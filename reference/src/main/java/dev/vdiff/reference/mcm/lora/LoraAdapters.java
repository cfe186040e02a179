package dev.vdiff.reference.mcm.lora;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.Conv3d;
import dev.vdiff.tensor.nn.Init;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Low-rank adapters on the linear and convolution layers of a model (LoRA, {@link LoraConfig}), as MCM's
 * released student is trained (SPEC §4.5). For a layer with weight {@code W0 [out, in, *kernel]}, read as a
 * matrix {@code [out, in * kernel]}:
 * <pre>
 *   W = W0 + s B A,   s = alpha / r,   A [r, in * kernel] ~ kaiming-uniform,   B [out, r] = 0
 * </pre>
 * so the adapted model starts as the base model. For a convolution this is peft's conv LoRA: A is a
 * convolution with the layer's kernel to r channels, B a 1x1 convolution back to {@code out}.
 *
 * <p><b>How it runs without changing the layers.</b> The layers keep reading their own weight tensor. Before
 * a forward pass {@link #materialise()} writes {@code W0 + s B A} into it; after the backward pass
 * {@link #collectGradients()} turns the layer weight's gradient {@code G = dL/dW} into the adapters'
 * gradients, exactly (W is linear in A and B): {@code dA = s B^T G}, {@code dB = s G A^T}, and clears
 * {@code G}, so an optimizer given {@link #parameters()} trains A and B only and W0 never changes. The result
 * equals the unmerged form {@code x W0^T + s (x A^T) B^T} up to rounding.
 *
 * <p><b>Merged and unmerged.</b> Unmerged (the training state): the base weights {@code W0} are kept apart,
 * adapters can be saved, removed ({@link #unmerge()} restores {@code W0} bit for bit) or swapped. Merged
 * ({@link #merge()}): the layers hold {@code W0 + s B A} permanently, for sampling or export, and the
 * adapters are detached from them.
 *
 * <p>Adapters are named after their layer, as peft names them: {@code <layer>.lora_A.weight}
 * {@code [r, in * kernel]} and {@code <layer>.lora_B.weight} {@code [out, r]}; {@link #save} and
 * {@link #load} write and read them as safetensors.
 */
public final class LoraAdapters {
    /** One adapted layer. */
    public record Adapter(String layer, Tensor weight, Tensor base, Tensor a, Tensor b) {}

    private final LoraConfig config;
    private final Map<String, Adapter> adapters = new LinkedHashMap<>();
    private boolean merged;

    private LoraAdapters(LoraConfig config) {
        this.config = config;
    }

    /**
     * Adapters for every {@link Linear}, {@link Conv2d} and {@link Conv3d} of {@code model} (temporal ones only
     * when {@link LoraConfig#includeTemporal()}), A drawn from {@code rng} in layer order.
     */
    public static LoraAdapters attach(Module model, LoraConfig config, Rng rng) {
        LoraAdapters l = new LoraAdapters(config);
        for (var e : model.namedModules().entrySet()) {
            Module m = e.getValue();
            Tensor w;
            if (m instanceof Linear) w = ((Linear) m).weight;
            else if (m instanceof Conv2d) w = ((Conv2d) m).weight;
            else if (m instanceof Conv3d) w = ((Conv3d) m).weight;
            else continue;
            if (!config.includeTemporal() && isTemporal(e.getKey(), m, config)) continue;
            int out = w.shape(0), in = w.numel() / out, r = config.rank();
            Tensor a = Init.kaimingUniform(rng, w.dtype(), Init.DEFAULT_A, in, r, in).requiresGrad(true).named(e.getKey() + ".lora_A.weight");
            Tensor b = Tensor.zeros(w.dtype(), out, r).requiresGrad(true).named(e.getKey() + ".lora_B.weight");
            l.adapters.put(e.getKey(), new Adapter(e.getKey(), w, w.copy(), a, b));
        }
        if (l.adapters.isEmpty()) throw new IllegalArgumentException("LoRA: the model has no linear or convolution layer to adapt" + (config.includeTemporal() ? "" : " outside its temporal layers"));
        return l;
    }

    private static boolean isTemporal(String name, Module m, LoraConfig config) {
        if (m instanceof Conv3d) {
            int[] k = ((Conv3d) m).kernel();
            if (k[0] > 1 && k[1] == 1 && k[2] == 1) return true;
        }
        return config.temporalNames().matcher(name).matches();
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted layers by name, in model order. */
    public Map<String, Adapter> adapters() {
        return java.util.Collections.unmodifiableMap(adapters);
    }

    /** The trainable tensors: A and B of every adapter, named {@code <layer>.lora_A.weight} / {@code lora_B}. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (Adapter ad : adapters.values()) {
            p.put(ad.layer() + ".lora_A.weight", ad.a());
            p.put(ad.layer() + ".lora_B.weight", ad.b());
        }
        return p;
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Writes {@code W0 + s B A} into every adapted layer's weight (call before each forward pass while training). */
    public void materialise() {
        requireUnmerged("materialise");
        for (Adapter ad : adapters.values()) write(ad.weight(), effective(ad));
    }

    /** Moves each layer weight's gradient into its adapter ({@code dA = s B^T G}, {@code dB = s G A^T}) and clears it. */
    public void collectGradients() {
        double s = config.scale();
        try (var scope = Autograd.noGrad()) {
            for (Adapter ad : adapters.values()) {
                Tensor g = ad.weight().grad();
                if (g == null) continue;
                int out = ad.b().shape(0);
                Tensor gm = g.contiguous().reshape(out, -1);                                              // [out, in * kernel]
                accumulate(ad.a(), Arithmetic.mul(LinearAlgebra.matmul(ad.b().detach().transpose(0, 1), gm), s));   // [r, in * kernel]
                accumulate(ad.b(), Arithmetic.mul(LinearAlgebra.matmul(gm, ad.a().detach().transpose(0, 1)), s));   // [out, r]
                ad.weight().zeroGrad();
            }
        }
    }

    /** Makes {@code W0 + s B A} permanent in the layers (sampling, export); adapters no longer apply. */
    public void merge() {
        requireUnmerged("merge");
        materialise();
        merged = true;
    }

    /** Restores the base weights {@code W0} bit for bit (the model without adapters). */
    public void unmerge() {
        for (Adapter ad : adapters.values()) write(ad.weight(), ad.base());
        merged = false;
    }

    public boolean merged() {
        return merged;
    }

    /** Saves the adapters (A and B by layer name) with rank and alpha as metadata; written atomically by {@link Safetensors}. */
    public void save(Path file) throws IOException {
        Safetensors.write(file, namedParameters(), Map.of("format", "pt", "lora_rank", Integer.toString(config.rank()), "lora_alpha", Double.toString(config.alpha())));
    }

    /** Loads adapters saved by {@link #save}: every name must be present with its shape, and no other name. */
    public void load(Path file) throws IOException {
        load(Safetensors.read(file), "LoRA file " + file);
    }

    /**
     * Loads adapters by name ({@code <layer>.lora_A.weight}, {@code <layer>.lora_B.weight}) from {@code saved}, e.g. a
     * checkpoint's part: every name must be present with its shape, and no other name; {@code source} names it in errors.
     */
    public void load(Map<String, Tensor> saved, String source) {
        Map<String, Tensor> mine = namedParameters();
        List<String> problems = new ArrayList<>();
        for (var e : mine.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) problems.add("missing '" + e.getKey() + "'");
            else if (!Arrays.equals(t.shape(), e.getValue().shape())) problems.add("'" + e.getKey() + "' has shape " + Shape.str(t.shape()) + ", expected " + Shape.str(e.getValue().shape()));
        }
        for (String k : saved.keySet()) if (!mine.containsKey(k)) problems.add("unexpected '" + k + "'");
        if (!problems.isEmpty()) throw new IllegalArgumentException(source + " does not fit the model: " + String.join("; ", problems.subList(0, Math.min(8, problems.size()))));
        for (var e : mine.entrySet()) write(e.getValue(), saved.get(e.getKey()).to(e.getValue().dtype()));
    }

    /** {@code W0 + s B A} in the weight's shape and dtype. */
    private Tensor effective(Adapter ad) {
        try (var scope = Autograd.noGrad()) {
            int out = ad.b().shape(0);
            Tensor delta = Arithmetic.mul(LinearAlgebra.matmul(ad.b().detach(), ad.a().detach()), config.scale());   // [out, in * kernel]
            return Arithmetic.add(ad.base().reshape(out, -1), delta).reshape(ad.weight().shape());
        }
    }

    private void requireUnmerged(String what) {
        if (merged) throw new IllegalStateException("LoRA " + what + ": the adapters are merged into the model; unmerge() first");
    }

    private static void write(Tensor dst, Tensor src) {
        Tensor c = src.to(dst.dtype()).contiguous();
        System.arraycopy(c.storage(), 0, dst.storage(), 0, dst.numel());
    }

    private static void accumulate(Tensor p, Tensor g) {
        Tensor c = g.contiguous().copy();
        p.setGrad(p.grad() == null ? c : Arithmetic.add(p.grad(), c));
    }
}
