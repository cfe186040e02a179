package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.reference.train.JsonFields;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code "turbo"} section of a distilled student's {@code run.json} (written by {@code vdiff distill --method
 * turbo}): everything that defines the distillation beyond the generic training settings, with the paper's values
 * (SPEC §3.2) unless marked as a toy-scale default.
 *
 * @param teacher the teacher run folder it was distilled from (for the record; its weights are copied into the run)
 * @param gridPoints N of the DDIM grid; one solver step (the skip k) is T/N timesteps. Paper 200; toy default 50
 * @param omegaMin lower end of omega ~ U[omega_min, omega_max], LCM convention (x_c + omega (x_c - x_u) = Imagen s - 1)
 * @param omegaMax upper end (paper: [5, 15])
 * @param motionStrength lambda_in fed to the solver and the student (0.05; the energy's scales make the paper's lambda 500); 0 = no motion guidance
 * @param tau the noisiest fraction of the grid that gets motion guidance (0.5)
 * @param motionTerm RELEASED_CODE (default) or PAPER_EQ8
 * @param motionLayers "decoder" (every decoder temporal attention, the code's choice), "all", or layer names joined by ','
 * @param motionThreshold the gate: clips whose optical-flow motion (eval.FlowMotion, pixels per frame) is below it get no motion guidance (0 = all)
 * @param inversionStride every stride-th grid point of the DDIM inversion for z_ref (1 = all, the code; toy default 5)
 * @param target "online" (v2, eq. 9) or "ema" (v1, eq. 4)
 * @param targetDecay mu of the EMA target (0.95)
 * @param betaImage beta_img (0.2)
 * @param betaVideo beta_vid (0.5)
 * @param imageFrames M (2)
 * @param videoFrames frames the video reward sees (must equal the video reward model's)
 * @param imageReward file name of the image reward model inside the run ("" = none)
 * @param videoReward file name of the video reward model inside the run ("" = none)
 * @param embeddingDim D of emb(omega), emb(lambda) (256 in the paper; toy default 32)
 * @param sampleOmega omega fed at sampling (7.5 in the released app)
 * @param sampleMotionStrength lambda fed at sampling in the noisiest part (0.05)
 * @param samplePercentage the fraction of the time range that gets it (0.3)
 */
public record TurboSettings(String teacher, int gridPoints, double omegaMin, double omegaMax, double motionStrength, double tau,
                            GuidedDdimSolver.MotionTerm motionTerm, String motionLayers, double motionThreshold, int inversionStride,
                            String target, double targetDecay, double betaImage, double betaVideo, int imageFrames, int videoFrames,
                            String imageReward, String videoReward, int embeddingDim,
                            double sampleOmega, double sampleMotionStrength, double samplePercentage) {
    public static final String SECTION = "turbo";
    public static final String IMAGE_REWARD_FILE = "reward_image.safetensors", VIDEO_REWARD_FILE = "reward_video.safetensors";
    public static final String TEACHER_FILE = "teacher.safetensors";

    public TurboSettings {
        if (!target.equals("online") && !target.equals("ema")) throw new IllegalArgumentException("--target must be online or ema, got " + target);
        if (!(targetDecay >= 0 && targetDecay <= 1)) throw new IllegalArgumentException("--target-decay must be in [0, 1], got " + targetDecay);
        if (!(motionThreshold >= 0)) throw new IllegalArgumentException("--motion-threshold must be >= 0, got " + motionThreshold);
        if (1000 % gridPoints != 0 && gridPoints > 0) throw new IllegalArgumentException("--grid-points must divide T = 1000 (the skip k = T/N is an integer), got " + gridPoints);
        motionLayers(motionLayers);
        new AugmentedSolver.Config(gridPoints, omegaMin, omegaMax, motionStrength, tau, motionTerm);   // checks and names the problem
        new RewardObjective.Config(betaImage, imageFrames, RewardObjective.ImageReduction.MEAN, betaVideo, videoFrames);
        new GuidedStudent.Config(embeddingDim, true);
        if (!Double.isFinite(sampleOmega) || !(sampleMotionStrength >= 0) || !(samplePercentage >= 0 && samplePercentage <= 1)) {
            throw new IllegalArgumentException("sampling inputs: omega finite, motion strength >= 0, percentage in [0, 1], got " + sampleOmega + ", " + sampleMotionStrength + ", " + samplePercentage);
        }
    }

    /** The solver's settings. */
    public AugmentedSolver.Config solver() {
        return new AugmentedSolver.Config(gridPoints, omegaMin, omegaMax, motionStrength, tau, motionTerm);
    }

    /** The motion score's settings. */
    public MotionScore.Config motion() {
        return new MotionScore.Config(motionLayers(motionLayers), inversionStride);
    }

    /** The reward weights (mean over the M frames, the code's reduction). */
    public RewardObjective.Config rewards() {
        return new RewardObjective.Config(betaImage, imageFrames, RewardObjective.ImageReduction.MEAN, betaVideo, videoFrames);
    }

    public boolean hasRewards() {
        return betaImage > 0 || betaVideo > 0;
    }

    public TurboDistillation.Target targetKind() {
        return target.equals("ema") ? TurboDistillation.Target.EMA : TurboDistillation.Target.ONLINE;
    }

    /** The student's extra inputs: emb(omega), and emb(lambda) when motion guidance is on. */
    public GuidedStudent.Config student() {
        return new GuidedStudent.Config(embeddingDim, motionStrength > 0);
    }

    /** The layer selection of {@code --motion-layers}. */
    static Predicate<String> motionLayers(String spec) {
        if (spec.equals("decoder")) return MotionScore.Config.defaults().layers();
        if (spec.equals("all")) return name -> name.endsWith("_tattn");
        List<String> names = List.of(spec.split(","));
        for (String n : names) if (!n.matches("[a-z0-9_]+_tattn")) throw new IllegalArgumentException("--motion-layers: '" + n + "' is not a temporal attention layer name (e.g. dec1_tattn), decoder or all");
        return names::contains;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("teacher", teacher);
        m.put("grid_points", (long) gridPoints);
        m.put("omega_min", omegaMin);
        m.put("omega_max", omegaMax);
        m.put("motion_strength", motionStrength);
        m.put("tau", tau);
        m.put("motion_term", motionTerm.name().toLowerCase(Locale.ROOT));
        m.put("motion_layers", motionLayers);
        m.put("motion_threshold", motionThreshold);
        m.put("inversion_stride", (long) inversionStride);
        m.put("target", target);
        m.put("target_decay", targetDecay);
        m.put("beta_img", betaImage);
        m.put("beta_vid", betaVideo);
        m.put("image_frames", (long) imageFrames);
        m.put("video_frames", (long) videoFrames);
        m.put("image_reward", imageReward);
        m.put("video_reward", videoReward);
        m.put("embedding_dim", (long) embeddingDim);
        m.put("sample_omega", sampleOmega);
        m.put("sample_motion_strength", sampleMotionStrength);
        m.put("sample_percentage", samplePercentage);
        return m;
    }

    public static TurboSettings fromJson(Map<String, Object> m) {
        return new TurboSettings(JsonFields.stringOf(m, "teacher"), (int) JsonFields.longOf(m, "grid_points"), JsonFields.doubleOf(m, "omega_min"),
            JsonFields.doubleOf(m, "omega_max"), JsonFields.doubleOf(m, "motion_strength"), JsonFields.doubleOf(m, "tau"),
            GuidedDdimSolver.MotionTerm.valueOf(JsonFields.stringOf(m, "motion_term").toUpperCase(Locale.ROOT)), JsonFields.stringOf(m, "motion_layers"),
            JsonFields.doubleOf(m, "motion_threshold"), (int) JsonFields.longOf(m, "inversion_stride"), JsonFields.stringOf(m, "target"),
            JsonFields.doubleOf(m, "target_decay"), JsonFields.doubleOf(m, "beta_img"), JsonFields.doubleOf(m, "beta_vid"),
            (int) JsonFields.longOf(m, "image_frames"), (int) JsonFields.longOf(m, "video_frames"), JsonFields.stringOf(m, "image_reward"),
            JsonFields.stringOf(m, "video_reward"), (int) JsonFields.longOf(m, "embedding_dim"), JsonFields.doubleOf(m, "sample_omega"),
            JsonFields.doubleOf(m, "sample_motion_strength"), JsonFields.doubleOf(m, "sample_percentage"));
    }
}
