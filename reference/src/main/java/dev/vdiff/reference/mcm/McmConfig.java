package dev.vdiff.reference.mcm;

import dev.vdiff.reference.mcm.lora.LoraConfig;

import java.util.Locale;

/**
 * The options of an MCM run ({@link McmDistillation}); {@link #mcm} holds the released values (SPEC §4.5) where
 * they apply at toy scale.
 *
 * @param mcd grid, omega range, Huber c, boundary scalings (S = 4), p_gen (SPEC §4.2-4.3)
 * @param representation the motion representation g ({@code learn} in every release script)
 * @param filter the Butterworth filter of {@code freq_low / freq_high}
 * @param headHidden, headGroups the learned head's width and group-norm groups (64, 32 released)
 * @param headEmaDecay decay of {@code g_phi^-} (0.95)
 * @param lora the adapters (rank, alpha, temporal layers), or null to train the whole student
 * @param target ONLINE (the released LoRA setting) or EMA
 * @param targetEmaDecay decay of the EMA target (0.95)
 * @param learningRate, gradClip the student's AdamW rate and max gradient norm (5e-6 and 10 released)
 * @param adversarialLoss WGAN (clipped, released) or HINGE
 * @param lambdaAdv weight of {@code L_adv} (1; 0 = no discriminator: plain motion distillation)
 * @param gradientPenalty {@code lambda_gp} and its adaptive x5 rule
 * @param discLearningRate the discriminator's AdamW rate (1e-4 released)
 * @param discFrames frames per video through the discriminator (2)
 * @param features the frozen random-patch feature extractor (DINOv2 stand-in): patch, width, layers, seed
 * @param discriminator heads: classes, cmap dim, condition dim, virtual batch
 * @param seed every random draw of the run
 */
public record McmConfig(MotionConsistencyDistillation.Config mcd, Representation representation, ButterworthFilter filter,
                        int headHidden, int headGroups, double headEmaDecay, LoraConfig lora, Target target, double targetEmaDecay,
                        double learningRate, double gradClip, AdversarialLoss adversarialLoss, double lambdaAdv,
                        GradientPenaltyWeight.Config gradientPenalty, double discLearningRate, int discFrames,
                        Features features, FrameDiscriminator.Config discriminator, long seed) {

    /** The motion representations g of SPEC §4.2, the four fixed ones and {@code learn}. */
    public enum Representation {
        RAW, DIFF, FREQ_LOW, FREQ_HIGH, LEARN;

        public MotionRepresentation fixed() {
            if (this == LEARN) throw new IllegalStateException("learn is not a fixed representation");
            return MotionRepresentation.valueOf(name());
        }

        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code raw, diff, freq_low (freql), freq_high (freqh), learn}. */
        public static Representation parse(String s) {
            if ("learn".equals(s)) return LEARN;
            return valueOf(MotionRepresentation.parse(s).name());
        }
    }

    /** Which network computes the consistency target. */
    public enum Target {
        /** The online student under no-grad (the released LoRA setting). */
        ONLINE,
        /** An exponential moving average of the trainable weights (the released non-LoRA setting). */
        EMA
    }

    /** The frozen feature extractor's sizes ({@link RandomPatchFeatures}); image channels come from the teacher. */
    public record Features(int patch, int width, int layers, long seed) {
        public Features {
            if (patch < 1 || width < 1 || layers < 1) throw new IllegalArgumentException("MCM features: patch, width and layers must be >= 1, got " + this);
        }

        RandomPatchFeatures.Config withImageChannels(int c) {
            return new RandomPatchFeatures.Config(c, patch, width, layers, seed);
        }
    }

    public McmConfig {
        if (mcd == null || representation == null || filter == null || target == null || adversarialLoss == null || gradientPenalty == null || features == null || discriminator == null) {
            throw new IllegalArgumentException("MCM: every part of the configuration except lora is required");
        }
        if (headHidden < 1 || headGroups < 1 || headHidden % headGroups != 0) throw new IllegalArgumentException("MCM: the learned head needs hidden >= 1 divisible by groups >= 1, got " + headHidden + ", " + headGroups);
        if (!(headEmaDecay >= 0 && headEmaDecay <= 1) || !(targetEmaDecay >= 0 && targetEmaDecay <= 1)) throw new IllegalArgumentException("MCM: EMA decays must be in [0, 1], got " + headEmaDecay + ", " + targetEmaDecay);
        if (!(learningRate > 0) || !(discLearningRate > 0) || !(gradClip > 0)) throw new IllegalArgumentException("MCM: learning rates and the gradient clip must be > 0");
        if (!(lambdaAdv >= 0) || Double.isInfinite(lambdaAdv)) throw new IllegalArgumentException("MCM: lambda_adv must be a finite number >= 0, got " + lambdaAdv);
        if (discFrames < 1) throw new IllegalArgumentException("MCM: discriminator frames per video must be >= 1, got " + discFrames);
    }

    /**
     * The released settings at toy scale: p_gen 0.5, {@code learn} head (hidden 16, 8 groups), online target,
     * LoRA rank 8 / alpha 8 without temporal layers, clipped WGAN, lambda_adv 1, lambda_gp 1e-5 adaptive,
     * 2 frames, AdamW 1e-4 (student) and 1e-4 (discriminator), clip 10.
     *
     * @param classes the teacher's number of classes (the discriminator's projection conditions on them)
     */
    public static McmConfig mcm(long seed, int classes) {
        return new McmConfig(MotionConsistencyDistillation.Config.MCM, Representation.LEARN, ButterworthFilter.MCM, 16, 8, 0.95,
            new LoraConfig(8, 8, false, LoraConfig.MCM.temporalNames()), Target.ONLINE, 0.95, 1e-4, 10, AdversarialLoss.WGAN, 1,
            GradientPenaltyWeight.Config.MCM, 1e-4, 2, new Features(2, 16, 2, seed + 1), new FrameDiscriminator.Config(classes, 16, 16, 8), seed);
    }

    /** Plain LCM distillation in the same setting: {@code raw}, no discriminator (SPEC §4.6 item 5). */
    public static McmConfig lcm(long seed, int classes) {
        return mcm(seed, classes).withRepresentation(Representation.RAW).withLambdaAdv(0);
    }

    public McmConfig withMcd(MotionConsistencyDistillation.Config m) {
        return new McmConfig(m, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withPGen(double pGen) {
        MotionConsistencyDistillation.Config m = mcd;
        return withMcd(new MotionConsistencyDistillation.Config(m.gridPoints(), m.omegaMin(), m.omegaMax(), m.huberC(), m.boundary(), pGen));
    }

    public McmConfig withRepresentation(Representation r) {
        return new McmConfig(mcd, r, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withLora(LoraConfig l) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, l, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withTarget(Target t) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, t, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withLearningRates(double student, double disc) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, student, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, disc, discFrames, features, discriminator, seed);
    }

    public McmConfig withAdversarialLoss(AdversarialLoss l) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, l, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withLambdaAdv(double l) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, l, gradientPenalty, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withGradientPenalty(GradientPenaltyWeight.Config g) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, g, discLearningRate, discFrames, features, discriminator, seed);
    }

    public McmConfig withSeed(long s) {
        return new McmConfig(mcd, representation, filter, headHidden, headGroups, headEmaDecay, lora, target, targetEmaDecay, learningRate, gradClip, adversarialLoss, lambdaAdv, gradientPenalty, discLearningRate, discFrames, features, discriminator, s);
    }
}
