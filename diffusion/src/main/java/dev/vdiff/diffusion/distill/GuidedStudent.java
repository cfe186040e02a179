package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.GuidanceEmbedding;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * A consistency-distilled student: the teacher's {@link VideoUNet} (same weights at the start) that also reads the
 * guidance scale {@code omega} and, optionally, the motion strength {@code lambda} as inputs (SPEC §1.5, §1.7;
 * T2V-Turbo-v2 §3, "we further condition our CM on lambda"). Both are embedded with LCM's {@link GuidanceEmbedding}
 * (sine block first) and projected into the UNet's sinusoidal time embedding (SPEC §1.7):
 * <pre>
 *   without motion:  g = W_w emb(omega)                                     W_w: [tDim, D], no bias
 *   with motion:     g = W_c concat( P_w emb(omega), P_l emb(lambda) )      P_w, P_l: [tDim, D]; W_c: [tDim, 2 tDim], no bias
 *   eps = unet(z, t, c; temb = sinus(t) + g)
 * </pre>
 * D is {@link Config#embeddingDim()} (256 in the paper: {@code unet_time_cond_proj_dim}, {@code motion_cond_proj_dim}).
 *
 * <p>[RECONSTRUCTED] The last projection ({@code W_w}, or {@code W_c} with motion) starts at zero, so that the
 * student's output equals the teacher's at initialisation for every {@code omega, lambda}; the inner projections
 * {@code P_w, P_l} get PyTorch's default initialisation and no bias (SPEC §1.7 gives their shapes only).
 *
 * <p>Parameter names: the UNet's under {@code unet.}, then {@code w_proj.weight} (without motion) or
 * {@code w_proj.weight}, {@code lambda_proj.weight}, {@code cond_proj.weight} (with motion).
 *
 * <pre>{@code
 * GuidedStudent student = GuidedStudent.fromTeacher(teacher, new GuidedStudent.Config(256, true), Rng.seed(1));
 * Tensor eps = student.forward(z, t, labels, omega, lambda);          // omega, lambda: [B]
 * Denoiser d = student.denoiser(7.5, t -> t >= 700 ? 0.05 : 0);      // for LCM sampling (SPEC §3.4b)
 * }</pre>
 */
public final class GuidedStudent extends Module {
    /**
     * @param embeddingDim D, the width of {@code emb(omega)} and {@code emb(lambda)} (256 in T2V-Turbo; at least 4)
     * @param motionConditioning whether the student also reads {@code lambda} (T2V-Turbo-v2 with motion guidance)
     */
    public record Config(int embeddingDim, boolean motionConditioning) {
        public Config {
            if (embeddingDim < 4) throw new IllegalArgumentException("GuidedStudent: the embedding dimension must be >= 4, got " + embeddingDim);
        }

        /** T2V-Turbo-v2: D = 256 for both embeddings, motion conditioning on. */
        public static Config t2vTurboV2() {
            return new Config(256, true);
        }
    }

    private final VideoUNet unet;
    private final Config config;
    private final Linear wProj, lambdaProj, condProj;   // lambdaProj and condProj: null without motion conditioning

    /** A student around {@code unet} (whose weights it trains), with fresh projections drawn from {@code rng}. */
    public GuidedStudent(VideoUNet unet, Config config, Rng rng) {
        if (unet == null || config == null) throw new IllegalArgumentException("GuidedStudent: unet and config are required");
        this.unet = child("unet", unet);
        this.config = config;
        int d = config.embeddingDim(), tDim = unet.config().tDim();
        DType dt = unet.dtype();
        wProj = child("w_proj", new Linear(d, tDim, false, dt, rng));
        if (config.motionConditioning()) {
            lambdaProj = child("lambda_proj", new Linear(d, tDim, false, dt, rng));
            condProj = child("cond_proj", new Linear(2 * tDim, tDim, false, dt, rng));
            condProj.weight.fill(0);      // the last projection starts at zero: student == teacher
        } else {
            lambdaProj = null;
            condProj = null;
            wProj.weight.fill(0);
        }
    }

    /** A student whose UNet is a copy of {@code teacher}'s weights (same config and dtype); the teacher is untouched. */
    public static GuidedStudent fromTeacher(VideoUNet teacher, Config config, Rng rng) {
        VideoUNet copy = VideoUNet.load(teacher.config(), teacher.stateDict(), teacher.dtype());
        return new GuidedStudent(copy, config, rng);
    }

    public VideoUNet unet() {
        return unet;
    }

    public Config config() {
        return config;
    }

    /**
     * The student's noise prediction.
     *
     * @param x {@code [B, F, C, H, W]} as for {@link VideoUNet#forward}
     * @param t int64 {@code [B]}
     * @param y labels int64 {@code [B]} (or null for an unconditional UNet)
     * @param omega guidance scales {@code [B]} in the LCM convention (SPEC §1.4)
     * @param lambda motion strengths {@code [B]}; required with motion conditioning, must be null without
     */
    public Tensor forward(Tensor x, Tensor t, Tensor y, Tensor omega, Tensor lambda) {
        return unet.forward(x, t, y, conditioning(x.shape(0), omega, lambda));
    }

    /** {@code g [B, tDim]}: the projected embeddings added to the UNet's time embedding. */
    public Tensor conditioning(int batch, Tensor omega, Tensor lambda) {
        PerSample.floats("GuidedStudent", "omega", omega, batch);
        DType dt = unet.dtype();
        int d = config.embeddingDim();
        Tensor embW = GuidanceEmbedding.embed(omega, d, dt);              // [B, D], a constant
        if (!config.motionConditioning()) {
            if (lambda != null) throw new IllegalArgumentException("GuidedStudent: this student has no motion conditioning, but a motion strength lambda was given");
            return wProj.forward(embW);                                   // [B, tDim]
        }
        PerSample.floats("GuidedStudent", "lambda", lambda, batch);
        Tensor embL = GuidanceEmbedding.embed(lambda, d, dt);             // [B, D]
        Tensor both = Concat.cat(1, wProj.forward(embW), lambdaProj.forward(embL));   // [B, 2 tDim]
        return condProj.forward(both);                                    // [B, tDim]
    }

    /**
     * The student as a {@link Denoiser} with fixed inputs, for LCM sampling (SPEC §3.4b): guidance scale
     * {@code omega} for every call, and motion strength {@code lambdaAt.applyAsDouble(t)} at timestep {@code t}
     * (T2V-Turbo's inference uses {@code lambda = 0.05} for {@code t >= 1000 (1 - percentage)}, else 0). Without
     * motion conditioning {@code lambdaAt} must be null.
     */
    public Denoiser denoiser(double omega, LongToDoubleFunction lambdaAt) {
        if (config.motionConditioning() == (lambdaAt == null)) {
            throw new IllegalArgumentException("GuidedStudent: a motion-strength schedule is " + (config.motionConditioning() ? "required" : "not accepted") + " by this student");
        }
        GuidedStudent self = this;
        return new Denoiser() {
            @Override
            public Tensor predict(Tensor x, Tensor t, Tensor cond) {
                int b = x.shape(0);
                double[] w = new double[b];
                Arrays.fill(w, omega);
                Tensor lambda = null;
                if (lambdaAt != null) {
                    long[] ts = t.contiguous().longs();
                    double[] l = new double[b];
                    for (int i = 0; i < b; i++) l[i] = lambdaAt.applyAsDouble(ts[i]);
                    lambda = Tensor.of(l, b);
                }
                return self.forward(x, t, cond, Tensor.of(w, b), lambda);
            }

            @Override
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            @Override
            public String toString() {
                return "GuidedStudent(omega " + omega + ")";
            }
        };
    }

    @Override
    public String toString() {
        return "GuidedStudent(D=" + config.embeddingDim() + (config.motionConditioning() ? ", omega and lambda" : ", omega") + ", " + unet.config().describe() + ")";
    }

}
