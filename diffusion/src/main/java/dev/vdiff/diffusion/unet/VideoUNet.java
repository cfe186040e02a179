package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Resample;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pseudo-3D video UNet of FORMAT.md 5.20 / {@code bench/tiny_video_unet.md}: 2-D convolutions and spatial
 * attention on every frame, temporal attention across the frames of each video, conditioned on the diffusion
 * timestep and a class label; it predicts the noise of a video latent.
 *
 * <p>Layout: {@code x [B, F, C, H, W]} is read as {@code [N, C, H, W]} with {@code N = B*F} (no data movement),
 * frame row {@code n = b*F + f}. Everything except the temporal attention sees {@code N} independent images.
 *
 * <pre>
 * e   = TimestepEmbedding(t, y)                              [B, embDim]
 * h   = conv_in(x)                                           [N, ch0, H, W]
 * per level i (finest first): h = enc{i}_res(h, e), [enc{i}_sattn], [enc{i}_tattn]; s_i = h;
 *                             h = down{i}(h) (stride 2) unless i is the deepest level
 * h   = mid_res2( [mid_tattn]( [mid_sattn]( mid_res1(h) ) ) )
 * per level i (deepest first): h = dec{i}_res(concat(h, s_i)), [dec{i}_sattn], [dec{i}_tattn];
 *                              h = up{i}_conv( Up(h) ) unless i = 0
 * out = out_conv( SiLU( out_norm(h) ) ) read as [B, F, C, H, W]
 * </pre>
 *
 * With {@link VideoUNetConfig#benchmark()} the parameters are exactly PyTorch's {@code TinyVideoUNet}
 * state dict: 117 tensors, 2,369,220 numbers, same names and order.
 *
 * <pre>{@code
 * VideoUNet net = VideoUNet.load(VideoUNetConfig.benchmark(), Safetensors.read(path));
 * Tensor eps = net.forward(x, t, y);     // x [2, 8, 4, 32, 32] float32, t and y int64 [2]
 * }</pre>
 */
public final class VideoUNet extends Module {
    private final VideoUNetConfig cfg;
    private final DType dtype;
    private final TimestepEmbedding embedding;
    private final Conv2d convIn, outConv;
    private final GroupNorm outNorm;
    private final Stage[] encoder, decoder;
    private final Conv2d[] down, up;
    private final ResBlock midRes1, midRes2;
    private final SpatialAttention midSpatial;
    private final TemporalAttention midTemporal;
    private TemporalAttentionHook hook;

    /** A ResBlock with the attention blocks its level has (either may be null), under one name prefix. */
    private static final class Stage {
        final ResBlock res;
        final SpatialAttention spatial;
        final TemporalAttention temporal;
        final String temporalName;

        Stage(ResBlock res, SpatialAttention spatial, TemporalAttention temporal, String temporalName) {
            this.res = res;
            this.spatial = spatial;
            this.temporal = temporal;
            this.temporalName = temporalName;
        }
    }

    /**
     * A model with PyTorch's default initialisation drawn from {@code rng} (tiny_video_unet.md section 9):
     * conv and linear weights kaiming-uniform with {@code a = sqrt 5}, i.e. U(+-1/sqrt(fan_in)), biases
     * U(+-1/sqrt(fan_in)), GroupNorm scale 1 and shift 0, the label table standard normal. Layers are created
     * (and drawn) in PyTorch's parameter order, so a seed always gives the same model; the numbers are not
     * PyTorch's (a different generator).
     */
    public VideoUNet(VideoUNetConfig cfg, DType dtype, Rng rng) {
        if (!dtype.isFloat()) throw new IllegalArgumentException("VideoUNet: parameters must be float32 or float64, got " + dtype);
        this.cfg = cfg;
        this.dtype = dtype;
        List<VideoUNetConfig.Level> levels = cfg.levels();
        int nLevels = levels.size();
        // Registration order = PyTorch's state_dict order (FORMAT.md 5.20 table).
        embedding = new TimestepEmbedding(dtype, cfg, rng);
        child("time_fc1", embedding.fc1);
        child("time_fc2", embedding.fc2);
        if (embedding.labels != null) child("label_emb", embedding.labels);
        convIn = child("conv_in", conv3x3(cfg.channels(), cfg.ch0(), 1, rng));

        encoder = new Stage[nLevels];
        down = new Conv2d[nLevels];
        int ch = cfg.ch0();
        for (int i = 0; i < nLevels; i++) {
            int out = levels.get(i).channels();
            encoder[i] = stage("enc" + i, ch, out, levels.get(i), rng);
            ch = out;
            if (i + 1 < nLevels) down[i] = child("down" + i, conv3x3(ch, ch, 2, rng));
        }

        VideoUNetConfig.Level deepest = levels.get(nLevels - 1);
        midRes1 = child("mid_res1", new ResBlock(dtype, ch, ch, cfg, rng));
        midSpatial = deepest.spatialAttention() ? child("mid_sattn", new SpatialAttention(dtype, ch, cfg, rng)) : null;
        midTemporal = deepest.temporalAttention() ? child("mid_tattn", new TemporalAttention(dtype, ch, cfg, rng)) : null;
        midRes2 = child("mid_res2", new ResBlock(dtype, ch, ch, cfg, rng));

        decoder = new Stage[nLevels];
        up = new Conv2d[nLevels];
        for (int i = nLevels - 1; i >= 0; i--) {
            int skip = levels.get(i).channels();
            decoder[i] = stage("dec" + i, ch + skip, skip, levels.get(i), rng);    // input: concat(h, s_i)
            ch = skip;
            if (i > 0) up[i] = child("up" + i + "_conv", conv3x3(ch, ch, 1, rng));
        }
        outNorm = child("out_norm", new GroupNorm(cfg.groups(), ch, cfg.gnEps(), true, dtype));
        outConv = child("out_conv", conv3x3(ch, cfg.channels(), 1, rng));
    }

    private Conv2d conv3x3(int in, int out, int stride, Rng rng) {
        return new Conv2d(in, out, 3, 3, stride, 1, true, dtype, rng);
    }

    private Stage stage(String prefix, int in, int out, VideoUNetConfig.Level level, Rng rng) {
        ResBlock res = child(prefix + "_res", new ResBlock(dtype, in, out, cfg, rng));
        SpatialAttention s = level.spatialAttention() ? child(prefix + "_sattn", new SpatialAttention(dtype, out, cfg, rng)) : null;
        TemporalAttention t = level.temporalAttention() ? child(prefix + "_tattn", new TemporalAttention(dtype, out, cfg, rng)) : null;
        return new Stage(res, s, t, prefix + "_tattn");
    }

    /**
     * A model holding {@code weights} (PyTorch state-dict names, e.g. read from a safetensors file). The model's
     * dtype is the weights' dtype; every parameter must be present with its exact shape (see
     * {@link Module#loadStateDict}).
     */
    public static VideoUNet load(VideoUNetConfig cfg, Map<String, Tensor> weights) {
        DType dt = null;
        for (var e : weights.entrySet()) {
            DType d = e.getValue().dtype();
            if (dt == null) dt = d;
            else if (d != dt) throw new IllegalArgumentException("VideoUNet.load: weights mix " + dt + " and " + d + " ('" + e.getKey() + "'); convert them to one dtype first");
        }
        if (dt == null) throw new IllegalArgumentException("VideoUNet.load: no weights given");
        return load(cfg, weights, dt);
    }

    /** As {@link #load(VideoUNetConfig, Map)}, converting the weights to {@code dtype}. */
    public static VideoUNet load(VideoUNetConfig cfg, Map<String, Tensor> weights, DType dtype) {
        VideoUNet net = new VideoUNet(cfg, dtype, Rng.seed(0));   // initial values, all overwritten below
        net.loadStateDict(weights);
        return net;
    }

    public VideoUNetConfig config() {
        return cfg;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    /** Every temporal attention layer hands its probabilities to {@code hook} from now on (null: none). */
    public void setTemporalAttentionHook(TemporalAttentionHook hook) {
        this.hook = hook;
    }

    /**
     * The predicted noise for a batch of videos.
     *
     * @param x video latents {@code [B, F, C, H, W]} in the model's dtype, {@code H} and {@code W} multiples of
     *          {@link VideoUNetConfig#downsampleFactor()}, {@code 1 <= F <= }{@link VideoUNetConfig#frames()}: fewer
     *          frames than configured run the same weights on a shorter clip (TPDiff's coarse stages, SPEC §5.1), the
     *          temporal attention using the first F frame positions
     * @param t timesteps, int64 {@code [B]}, or continuous times, float32/float64 {@code [B]} (a flow model's
     *          {@code 1000 t}, SPEC §1.6, §5.3), embedded with the same sinusoids; an integer-valued float time gives
     *          exactly the int64 result
     * @param y class labels, int64 {@code [B]} in {@code 0..numClasses} ({@code numClasses} = null label);
     *          may be null for a model without class conditioning
     * @return {@code [B, F, C, H, W]}
     */
    public Tensor forward(Tensor x, Tensor t, Tensor y) {
        return forward(x, t, y, null);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor)} with an extra time-embedding input {@code g} added to the
     * sinusoidal timestep embedding before the time MLP (SPEC §1.7: {@code emb = MLP_time(sinus(t) + g)}). A
     * teacher has {@code g = 0} (pass null); a consistency-distilled student passes its projected guidance-scale
     * (and motion-strength) embedding ({@code dev.vdiff.diffusion.distill.GuidedStudent}). The network has no
     * parameters for {@code g}: the projection lives with the caller, so teacher checkpoints load unchanged.
     *
     * @param g {@code [B, tDim]} in the model's dtype, or null
     */
    public Tensor forward(Tensor x, Tensor t, Tensor y, Tensor g) {
        checkInputs(x, t, y);
        int b = x.shape(0), f = x.shape(1), c = x.shape(2), hgt = x.shape(3), wid = x.shape(4), n = b * f;
        if (g != null && (g.rank() != 2 || g.shape(0) != b || g.shape(1) != cfg.tDim() || g.dtype() != dtype)) {
            throw new IllegalArgumentException("VideoUNet: the extra time embedding g must be " + dtype + " [" + b + ", " + cfg.tDim() + "], got " + g.dtype() + Shape.str(g.shape()));
        }
        Tensor e = embedding.forward(t, y, g);                      // [B, embDim]
        Tensor h = convIn.forward(x.reshape(n, c, hgt, wid));       // [B, F, C, H, W] -> [N, C, H, W] -> [N, ch0, H, W]

        int nLevels = encoder.length;
        List<Tensor> skips = new ArrayList<>(nLevels);
        for (int i = 0; i < nLevels; i++) {
            h = run(encoder[i], h, e, f);                           // [N, ch_i, H/2^i, W/2^i]
            skips.add(h);
            if (down[i] != null) h = down[i].forward(h);            // [N, ch_i, H/2^(i+1), W/2^(i+1)]
        }

        h = midRes1.forward(h, e);
        if (midSpatial != null) h = midSpatial.forward(h);
        if (midTemporal != null) h = midTemporal.forward(h, f, "mid_tattn", hook);
        h = midRes2.forward(h, e);

        for (int i = nLevels - 1; i >= 0; i--) {
            h = Concat.cat(1, h, skips.get(i));                      // [N, ch + ch_i, R1, R2]: current first, skip second
            skips.set(i, null);                                     // the skip is no longer needed here
            h = run(decoder[i], h, e, f);                           // [N, ch_i, R1, R2]
            if (up[i] != null) h = up[i].forward(Resample.upsampleNearest2d(h, 2));   // [N, ch_i, 2 R1, 2 R2]
        }
        h = outConv.forward(Pointwise.silu(outNorm.forward(h)));    // [N, C, H, W]
        return h.reshape(b, f, c, hgt, wid);                        // [N, C, H, W] -> [B, F, C, H, W]
    }

    private Tensor run(Stage s, Tensor h, Tensor e, int frames) {
        h = s.res.forward(h, e);
        if (s.spatial != null) h = s.spatial.forward(h);
        if (s.temporal != null) h = s.temporal.forward(h, frames, s.temporalName, hook);
        return h;
    }

    private void checkInputs(Tensor x, Tensor t, Tensor y) {
        int[] xs = x.shape();
        int k = cfg.downsampleFactor();
        String expect = "[B, F, " + cfg.channels() + ", H, W] with 1 <= F <= " + cfg.frames() + " and H and W multiples of " + k;
        if (xs.length != 5 || xs[1] < 1 || xs[1] > cfg.frames() || xs[2] != cfg.channels() || xs[0] < 1 || xs[3] % k != 0 || xs[4] % k != 0 || xs[3] < k || xs[4] < k) {
            throw new IllegalArgumentException("VideoUNet: x has shape " + Shape.str(xs) + " but the model (" + cfg.describe() + ") expects " + expect);
        }
        if (x.dtype() != dtype) throw new IllegalArgumentException("VideoUNet: x is " + x.dtype() + " but the model's parameters are " + dtype + "; convert x with to(" + dtype + ")");
        int b = xs[0];
        if (t == null || !(t.dtype() == DType.INT64 || t.dtype().isFloat()) || t.rank() != 1 || t.shape(0) != b) {
            throw new IllegalArgumentException("VideoUNet: t must be int64 [" + b + "] (or float32/float64 continuous times; one per video of x " + Shape.str(xs) + "), got " + (t == null ? "null" : t.dtype() + Shape.str(t.shape())));
        }
        if (cfg.classConditional() && (y == null || y.dtype() != DType.INT64 || y.rank() != 1 || y.shape(0) != b)) {
            throw new IllegalArgumentException("VideoUNet: y must be int64 [" + b + "] (one label per video of x " + Shape.str(xs) + ", " + cfg.numClasses() + " = null label), got " + (y == null ? "null" : y.dtype() + Shape.str(y.shape())));
        }
    }
}
