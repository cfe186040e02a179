package dev.vdiff.reference.turbo;

import dev.vdiff.reference.turbo.reward.DifferentiableReward;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;

/**
 * The reward objective {@code J} of T2V-Turbo-v2 (eq. 10; SPEC §3.3) on the student's decoded one-step estimate
 * {@code x = D(f_theta(z_{t_{n+k}}, ...))} (here pixel space: {@code D} maps the data range to [0, 1], no VAE):
 * <pre>
 *   J = mean over clips b of [ beta_img * R_img-term(b) + beta_vid * R_vid(x_b[r, r+s, r+2s, ...], c_b) ]
 *   R_img-term(b) = mean_m R_img(x_b[f_m], c_b)   (released code, MEAN)   or   sum_m ...   (paper eq. 10, SUM)
 * </pre>
 * with M frames {@code f_1..f_M} drawn per clip without replacement, and the video reward on {@code videoFrames}
 * frames at stride {@code s = F / videoFrames} from a random offset {@code r ~ U{0..s-1}} (released code: 4 frames
 * of 16, {@code r, r+4, r+8, r+12}).
 *
 * <p><b>Signs.</b> Rewards are "higher is better" and {@code J} is maximised; the training loss is
 * {@code L = L_CD - J} (eq. 11), so a negative total loss is expected and normal once the rewards are positive.
 */
public final class RewardObjective {
    /** How eq. 10's sum over the M image-reward frames is taken. */
    public enum ImageReduction {
        /** The released code: the mean over the M frames ({@code reward_fn} averages). Default. */
        MEAN,
        /** The paper's eq. 10 as printed: the sum over the M frames. */
        SUM
    }

    /**
     * @param betaImage beta_img (0.2); 0 turns the image reward off
     * @param imageFrames M (2)
     * @param reduction MEAN (code) or SUM (paper)
     * @param betaVideo beta_vid (0.5); 0 turns the video reward off
     * @param videoFrames how many strided frames the video reward sees (4)
     */
    public record Config(double betaImage, int imageFrames, ImageReduction reduction, double betaVideo, int videoFrames) {
        public Config {
            if (!(betaImage >= 0) || !(betaVideo >= 0) || Double.isInfinite(betaImage) || Double.isInfinite(betaVideo)) {
                throw new IllegalArgumentException("RewardObjective: beta_img and beta_vid must be >= 0, got " + betaImage + " and " + betaVideo);
            }
            if (imageFrames < 1 || videoFrames < 1) throw new IllegalArgumentException("RewardObjective: frame counts must be >= 1, got M = " + imageFrames + ", video frames = " + videoFrames);
            if (reduction == null) throw new IllegalArgumentException("RewardObjective: a reduction is required");
        }

        /** The paper's weights (SPEC §3.2): beta_img 0.2 on M = 2 frames (mean, as the code), beta_vid 0.5 on 4 frames. */
        public static Config t2vTurboV2() {
            return new Config(0.2, 2, ImageReduction.MEAN, 0.5, 4);
        }
    }

    private final Config config;
    private final DifferentiableReward image, video;

    /** {@code image} / {@code video} may be null when their beta is 0. */
    public RewardObjective(Config config, DifferentiableReward image, DifferentiableReward video) {
        if (config.betaImage() > 0 && image == null) throw new IllegalArgumentException("RewardObjective: beta_img > 0 needs an image reward model");
        if (config.betaVideo() > 0 && video == null) throw new IllegalArgumentException("RewardObjective: beta_vid > 0 needs a video reward model");
        this.config = config;
        this.image = image;
        this.video = video;
    }

    public Config config() {
        return config;
    }

    /**
     * {@code J} (0-d, differentiable in {@code x}) for decoded clips {@code x [B, F, C, H, W]} in [0, 1] with labels
     * {@code cond [B]}; the frames are drawn from {@code rng} (image frames first, then the video offsets).
     */
    public Tensor objective(Tensor x, Tensor cond, Rng rng) {
        if (x.rank() != 5) throw new IllegalArgumentException("RewardObjective: clips must be [B, F, C, H, W], got " + Shape.str(x.shape()));
        int b = x.shape(0), f = x.shape(1);
        if (config.imageFrames() > f || config.videoFrames() > f) {
            throw new IllegalArgumentException("RewardObjective: clips have " + f + " frames, fewer than M = " + config.imageFrames() + " or the video reward's " + config.videoFrames());
        }
        long[] labels = cond.contiguous().longs();
        Tensor j = null;
        if (config.betaImage() > 0) {
            int m = config.imageFrames();
            Tensor[] frames = new Tensor[b * m];
            long[] frameLabels = new long[b * m];
            for (int i = 0; i < b; i++) {
                long[] pick = rng.permutation(f).contiguous().longs();   // the first m entries: m frames without replacement
                for (int k = 0; k < m; k++) {
                    frames[i * m + k] = x.narrow(0, i, 1).narrow(1, (int) pick[k], 1).reshape(x.shape(2), x.shape(3), x.shape(4)).unsqueeze(0);   // [1, C, H, W]
                    frameLabels[i * m + k] = labels[i];
                }
            }
            Tensor r = image.reward(Concat.cat(0, frames), Tensor.ofLongs(frameLabels, b * m));   // [B*M]
            Tensor perClip = Reductions.sum(r.reshape(b, m), new int[] {1}, false);              // [B]
            if (config.reduction() == ImageReduction.MEAN) perClip = Arithmetic.mul(perClip, 1.0 / m);
            j = Arithmetic.mul(Reductions.meanAll(perClip), config.betaImage());
        }
        if (config.betaVideo() > 0) {
            int n = config.videoFrames(), stride = f / n;
            Tensor[] clips = new Tensor[b];
            for (int i = 0; i < b; i++) {
                int r = rng.nextInt(stride);
                Tensor[] picked = new Tensor[n];
                for (int k = 0; k < n; k++) picked[k] = x.narrow(0, i, 1).narrow(1, r + k * stride, 1);   // [1, 1, C, H, W]
                clips[i] = Concat.cat(1, picked);                                                         // [1, n, C, H, W]
            }
            Tensor term = Arithmetic.mul(Reductions.meanAll(video.reward(Concat.cat(0, clips), cond)), config.betaVideo());
            j = j == null ? term : Arithmetic.add(j, term);
        }
        return j;
    }
}
