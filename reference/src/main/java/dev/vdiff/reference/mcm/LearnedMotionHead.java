package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

/**
 * MCM's learnable motion representation {@code learn} (SPEC §4.2, released {@code models/spatial_head.py}),
 * applied frame by frame to a video latent {@code x [B, C, F, H, W]}:
 * <pre>
 *   g_phi(x) = x + Conv1x1_{hidden -> C}( SiLU( GN_groups( Conv1x1_{C -> hidden}( SiLU(x) ) ) ) )
 * </pre>
 * with the last convolution zero-initialised, so {@code g_phi} is exactly the identity at initialisation
 * (SPEC §4.6 item 1). Released sizes: C = 4, hidden = 64, 32 groups. It trains with the student (its
 * parameters belong in the student's optimizer and checkpoint); the loss's target side uses an EMA copy
 * ({@link dev.vdiff.tensor.optim.Ema}, decay 0.95).
 *
 * <p>Parameter names: {@code in_conv.weight/bias}, {@code norm.weight/bias}, {@code out_conv.weight/bias}.
 */
public final class LearnedMotionHead extends Module {
    /** Sizes; {@link #MCM} holds the released ones for a 4-channel latent. */
    public record Config(int channels, int hidden, int groups) {
        public static final Config MCM = new Config(4, 64, 32);

        public Config {
            if (channels < 1 || hidden < 1 || groups < 1 || hidden % groups != 0) {
                throw new IllegalArgumentException("learned motion head: need channels, hidden >= 1 and groups dividing hidden, got " + channels + ", " + hidden + ", " + groups);
            }
        }
    }

    public final Config config;
    private final Conv2d inConv, outConv;
    private final GroupNorm norm;

    public LearnedMotionHead(Config config, DType dtype, Rng rng) {
        this.config = config;
        this.inConv = child("in_conv", new Conv2d(config.channels(), config.hidden(), 1, 1, 1, 0, true, dtype, rng));
        this.norm = child("norm", new GroupNorm(config.groups(), config.hidden(), 1e-5, true, dtype));
        this.outConv = child("out_conv", new Conv2d(config.hidden(), config.channels(), 1, 1, 1, 0, true, dtype, rng));
        outConv.weight.fill(0);   // zero-initialised output: g starts as the identity
        outConv.bias.fill(0);
    }

    /** {@code [B, C, F, H, W] -> [B, C, F, H, W]}. */
    public Tensor apply(Tensor x) {
        int[] s = x.shape();
        if (s.length != 5 || s[1] != config.channels()) throw new IllegalArgumentException("learned motion head: expects [B, " + config.channels() + ", F, H, W], got " + java.util.Arrays.toString(s));
        int b = s[0], c = s[1], f = s[2], h = s[3], w = s[4];
        Tensor frames = x.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w);          // [B*F, C, H, W]: frame by frame
        Tensor r = outConv.forward(Pointwise.silu(norm.forward(inConv.forward(Pointwise.silu(frames)))));
        Tensor back = r.reshape(b, f, c, h, w).permute(0, 2, 1, 3, 4);             // [B, C, F, H, W]
        return Arithmetic.add(x, back);
    }
}
