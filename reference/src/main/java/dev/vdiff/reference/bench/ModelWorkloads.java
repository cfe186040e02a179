package dev.vdiff.reference.bench;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.random.Rng;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three model-level benchmarks of {@code docs/bench/tiny_video_unet.md}: the benchmark UNet
 * (2,369,220 parameters) on x {@code [2, 8, 4, 32, 32]}, float32.
 */
final class ModelWorkloads {
    private ModelWorkloads() {}

    /** The spec's FLOP count of one forward pass (docs/bench/tiny_video_unet.md §6). */
    static final long FORWARD_FLOP = 28_421_586_944L;
    static final long PARAM_COUNT = 2_369_220L;
    static final int B = 2, F = 8, C = 4, H = 32, W = 32;

    static List<Workload> all() {
        return List.of(trainStep(), forward(), sampleDdim16Cfg());
    }

    static Map<String, Object> modelInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tiny_video_unet_v1");
        m.put("input_shape", List.of(B, F, C, H, W));
        long params = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, Rng.seed(0)).parameterCount();
        m.put("param_count", params);
        // The FLOP count is the spec's; it holds for this model because its parameter count matches.
        m.put("forward_flop", params == PARAM_COUNT ? FORWARD_FLOP : null);
        return m;
    }

    abstract static class Model implements Workload {
        private final String key;
        private final long flop;
        private final int[] full, quick;

        Model(String key, long flop, int[] full, int[] quick) {
            this.key = key;
            this.flop = flop;
            this.full = full;
            this.quick = quick;
        }

        @Override public String key() { return key; }
        @Override public Long flop() { return flop; }
        @Override public int[] plan(boolean q) { return q ? quick : full; }
        @Override public double minSampleS(boolean q) { return 0; }
    }

    /** Inputs of docs/bench/tiny_video_unet.md §8: x, target standard normal; t in 0..999; y in 0..10. */
    record Inputs(VideoUNet model, Tensor x, Tensor t, Tensor y, Tensor target) {
        static Inputs make(long seed) {
            return make(seed, Device.JVM);
        }

        /** The same on {@code device}: the parameters are moved there, so every op of the model runs there. */
        static Inputs make(long seed, Device device) {
            Rng rng = Rng.seed(seed);
            VideoUNet model = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, rng.split(0));
            for (Tensor p : model.parameters()) p.moveTo(device);
            Rng data = rng.split(1);
            return new Inputs(model, data.normal(DType.FLOAT32, B, F, C, H, W), data.randint(0, 1000, B),
                data.randint(0, 11, B), data.normal(DType.FLOAT32, B, F, C, H, W));
        }
    }

    /** Clear gradients, forward, MSE loss, backward through every parameter, one AdamW step (lr 1e-4). */
    static Workload trainStep() {
        return new Model("unet_train_step", 3 * FORWARD_FLOP, new int[] {2, 7}, new int[] {1, 3}) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Inputs in = Inputs.make(seed, device);
                AdamW opt = new AdamW(in.model().namedParameters(), 1e-4);
                return () -> {
                    opt.zeroGrad();
                    Tensor loss = Losses.mse(in.model().forward(in.x(), in.t(), in.y()), in.target());
                    loss.backward();
                    opt.step();
                    if (!Double.isFinite(loss.item())) throw new IllegalStateException("unet_train_step: loss is not finite");
                };
            }
        };
    }

    /** One forward pass without gradients. */
    static Workload forward() {
        return new Model("unet_forward", FORWARD_FLOP, new int[] {2, 9}, new int[] {1, 3}) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Inputs in = Inputs.make(seed, device);
                return () -> {
                    try (var s = Autograd.noGrad()) {
                        in.model().forward(in.x(), in.t(), in.y());
                    }
                };
            }
        };
    }

    /**
     * 16 DDIM steps (eta 0) with classifier-free guidance 7.5 as docs/bench/tiny_video_unet.md §7 defines them:
     * t_k = 999 - 66k, two separate batch-2 passes per step (conditional [3, 7], null label [10, 10]),
     * eps = eps_u + 7.5 (eps_c - eps_u), x0 clamped to [-1, 1], alpha_bar_prev = 1 at the last step.
     */
    static Workload sampleDdim16Cfg() {
        return new Model("unet_sample_ddim16_cfg", 32 * FORWARD_FLOP, new int[] {1, 3}, new int[] {0, 1}) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Inputs in = Inputs.make(seed, device);
                NoiseSchedule schedule = NoiseSchedule.scaledLinear(1000, 0.00085, 0.012);
                Tensor xT = Rng.seed(seed).split(2).normal(DType.FLOAT32, B, F, C, H, W);
                Tensor yCond = Tensor.ofLongs(new long[] {3, 7}, B);
                Tensor yNull = Tensor.ofLongs(new long[] {10, 10}, B);
                return () -> {
                    try (var s = Autograd.noGrad()) {
                        Tensor x = xT;
                        for (int k = 0; k < 16; k++) {
                            int t = 999 - 66 * k;
                            double abar = schedule.alphaBar(t), abarPrev = k < 15 ? schedule.alphaBar(t - 66) : 1.0;
                            Tensor tt = Tensor.ofLongs(new long[] {t, t}, B);
                            Tensor epsC = in.model().forward(x, tt, yCond);
                            Tensor epsU = in.model().forward(x, tt, yNull);
                            Tensor eps = Arithmetic.add(epsU, Arithmetic.mul(Arithmetic.sub(epsC, epsU), 7.5));
                            Tensor x0 = Pointwise.clamp(Arithmetic.mul(Arithmetic.sub(x, Arithmetic.mul(eps, Math.sqrt(1 - abar))), 1 / Math.sqrt(abar)), -1, 1);
                            x = Arithmetic.add(Arithmetic.mul(x0, Math.sqrt(abarPrev)), Arithmetic.mul(eps, Math.sqrt(1 - abarPrev)));
                        }
                        if (!Double.isFinite(x.toDoubleArray()[0])) throw new IllegalStateException("unet_sample_ddim16_cfg: sample is not finite");
                    }
                };
            }
        };
    }
}
