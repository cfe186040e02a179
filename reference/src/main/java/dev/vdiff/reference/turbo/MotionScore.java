package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.sampling.DdimInversion;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Reductions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The motion score {@code g = dE/dz} of T2V-Turbo-v2's motion-augmented solver (SPEC §3.1 eqs. 5-8, §3.3, §3.4),
 * computed the way the released preprocessing does ({@code motion_prior_sample.py}), one training clip at a time:
 * <ol>
 *   <li>{@code z_ref}: DDIM inversion of the clean clip {@code x0} with the same condition over the distillation grid
 *       {@code grid[0..n]} (SPEC §1.3 inversion step, model queried at the target time), so that {@code z_ref} sits at
 *       {@code t_s = grid[n]} like the noisy sample {@code z} (SPEC §3.4 "Reference");</li>
 *   <li>{@code A_ref}: the teacher's temporal attention probabilities on {@code (z_ref, t_s, c)} for the chosen layers
 *       (a constant);</li>
 *   <li>{@code A(z)}: the same layers on {@code (z, t_s, c)}, recorded for autodiff;</li>
 *   <li>{@code E = MotionGuidanceEnergy} of {@code A(z)} against {@code A_ref} (top-1 mask of the reference), per
 *       clip; {@code g = dE/dz} by backward through the frozen teacher.</li>
 * </ol>
 * Layers: the released code uses the first temporal self-attention of the decoder blocks {@code output_blocks.3-11}
 * (SPEC §3.4); here the default is every decoder temporal attention of the UNet (names {@code dec*_tattn}).
 *
 * <p>Cost: the inversion takes {@code n + 1} teacher calls per clip (up to the grid size; the paper precomputes
 * it). {@link Config#inversionStride} > 1 inverts over every stride-th grid point only (a cheaper, coarser
 * reference; 1 = the released code).
 *
 * <pre>{@code
 * MotionScore ms = new MotionScore(teacher, schedule, Timesteps.distillationGrid(200, 1000), MotionScore.Config.defaults());
 * Tensor g = ms.score(z, x0, new int[] {150, 120}, labels);     // [B, F, C, H, W]
 * }</pre>
 */
public final class MotionScore {
    /**
     * @param layers which temporal attention layers enter the energy (by the UNet's names)
     * @param inversionStride use every stride-th grid point of the DDIM inversion (1: all, as the released code)
     */
    public record Config(Predicate<String> layers, int inversionStride) {
        public Config {
            if (layers == null) throw new IllegalArgumentException("MotionScore: a layer selection is required");
            if (inversionStride < 1) throw new IllegalArgumentException("MotionScore: the inversion stride must be >= 1, got " + inversionStride);
        }

        /** Every decoder temporal attention, full inversion. */
        public static Config defaults() {
            return new Config(name -> name.startsWith("dec") && name.endsWith("_tattn"), 1);
        }
    }

    private final FrozenTeacher teacher;
    private final NoiseSchedule schedule;
    private final int[] grid;
    private final Config config;

    /**
     * @param grid the distillation grid in ascending order ({@link Timesteps#distillationGrid}); clip b sits at
     *             {@code grid[n[b]]}
     */
    public MotionScore(FrozenTeacher teacher, NoiseSchedule schedule, int[] grid, Config config) {
        this.teacher = teacher;
        this.schedule = schedule;
        this.grid = grid.clone();
        this.config = config;
    }

    /** {@code z_ref} of one clip {@code x0 [1, ...]} at grid index {@code n}: DDIM inversion over {@code grid[0..n]}. */
    public Tensor reference(Tensor x0, int n, Tensor cond) {
        List<Integer> times = new ArrayList<>();
        for (int i = n; i >= 0; i -= config.inversionStride()) times.add(grid[i]);   // descending, always from grid[n]
        int[] desc = times.stream().mapToInt(Integer::intValue).toArray();
        DdimInversion inversion = new DdimInversion(schedule, desc, Timesteps.FinalStep.TO_FIRST_TIMESTEP, DdimInversion.ModelTime.TARGET);
        return inversion.invert(teacher.denoiser(), x0, cond);
    }

    /** The chosen layers' attention probabilities on {@code (z, t, cond)}, by layer name, in forward order. */
    public Map<String, Tensor> attention(Tensor z, Tensor t, Tensor cond) {
        Map<String, Tensor> maps = new LinkedHashMap<>();
        teacher.epsWithAttention(z, t, cond, (layer, p) -> {
            if (config.layers().test(layer)) maps.put(layer, p);
        });
        if (maps.isEmpty()) throw new IllegalArgumentException("MotionScore: the layer selection matches no temporal attention layer of the teacher (" + teacher.unet().config().describe() + ")");
        return maps;
    }

    /**
     * {@code g = dE/dz} for every clip of the batch ({@code [B, ...]}, shape and dtype of {@code z}).
     *
     * @param z the noisy latents at {@code grid[n[b]]}
     * @param x0 the clean clips the latents were made from
     * @param n the grid index of every clip
     * @param cond the condition (labels), or null
     */
    public Tensor score(Tensor z, Tensor x0, int[] n, Tensor cond) {
        int b = z.shape(0);
        if (n.length != b || x0.shape(0) != b) throw new IllegalArgumentException("MotionScore: z, x0 and n must describe the same " + b + " clips");
        long[] ts = new long[b];
        for (int i = 0; i < b; i++) ts[i] = grid[n[i]];
        Tensor t = Tensor.ofLongs(ts, b);
        // 1. z_ref per clip (its own inversion length), then 2. A_ref for the batch, constants.
        Map<String, Tensor> ref;
        try (var s = Autograd.noGrad()) {
            List<Tensor> refs = new ArrayList<>(b);
            for (int i = 0; i < b; i++) refs.add(reference(x0.narrow(0, i, 1).contiguous(), n[i], cond == null ? null : cond.narrow(0, i, 1).contiguous()));
            ref = attention(Concat.cat(0, refs.toArray(new Tensor[0])), t, cond);
        }
        // 3. A(z) with gradients to a fresh leaf copy of z, 4. E per clip, summed, backward.
        Tensor leaf = z.detach().copy().requiresGrad(true);
        Map<String, Tensor> att = attention(leaf, t, cond);
        Tensor energy = Reductions.sumAll(MotionGuidanceEnergy.energyPerVideo(new ArrayList<>(att.values()), new ArrayList<>(ref.values()), b));
        energy.backward();
        return leaf.grad() != null ? leaf.grad() : Tensor.zerosLike(z);
    }

    /** {@code E} of each clip ({@code [B]}, no gradients): the quantity whose gradient {@link #score} returns. */
    public Tensor energy(Tensor z, Tensor zRef, Tensor t, Tensor cond) {
        try (var s = Autograd.noGrad()) {
            Map<String, Tensor> ref = attention(zRef, t, cond);
            Map<String, Tensor> att = attention(z, t, cond);
            return MotionGuidanceEnergy.energyPerVideo(new ArrayList<>(att.values()), new ArrayList<>(ref.values()), z.shape(0));
        }
    }
}
