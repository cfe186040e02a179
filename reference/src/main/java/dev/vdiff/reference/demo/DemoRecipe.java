package dev.vdiff.reference.demo;

import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.ScheduleSpec;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.TrainConfig;

import java.util.Locale;

/**
 * The demo's training recipes, each a named set of changes to the schedule, the optimiser and the sampler, so
 * that every row of {@code docs/demo/RECIPE.md} can be re-run ({@code vdiff demo --recipe NAME --steps N
 * --max-train-minutes 0}). The model, the data and the number of steps (the {@link DemoConfig}'s) are the same for all.
 * {@link #CURRENT} is the demo's.
 */
public enum DemoRecipe {
    /**
     * The recipe of the November 2026 report: v-prediction on SPEC §1.1's scaled-linear schedule, t uniform,
     * steps of 4 clips (1200 then), AdamW lr 1e-3 with 50 warm-up steps, EMA 0.99, class dropout 0.1; DDIM 16 steps from
     * t = 999, guidance 2.
     */
    V1("v1", Settings.V1),
    /** {@link #V1} on the schedule rescaled to zero terminal SNR (Lin et al. 2024, §3.1; {@link ScheduleSpec}). */
    ZERO_SNR("zero-snr", Settings.V1.zeroSnr(true)),
    /** {@link #ZERO_SNR} with Min-SNR-gamma loss weights, gamma 5 (Hang et al. 2023; {@code MinSnrWeight}). */
    ZERO_SNR_MIN_SNR("zero-snr-min-snr", Settings.V1.zeroSnr(true).minSnrGamma(5)),
    /** {@link #ZERO_SNR} with twice the learning rate, 2e-3. */
    ZERO_SNR_LR2("zero-snr-lr2", Settings.V1.zeroSnr(true).lr(2e-3)),
    /** {@link #V1} sampled with stochastic DDIM, eta = 1 (the DDPM posterior noise at every step; Song et al. 2021, eq. 16). */
    V1_ETA1("v1-eta1", Settings.V1.eta(1)),
    /**
     * {@link #ZERO_SNR} sampled with stochastic DDIM, eta = 1: the fresh noise of every step lets the sampler pick a
     * background colour instead of committing to the class's average (grey) in its first deterministic step.
     */
    ZERO_SNR_ETA1("zero-snr-eta1", Settings.V1.zeroSnr(true).eta(1)),
    /** {@link #ZERO_SNR_ETA1} with the learning rate decayed to 0 along half a cosine over the run (diffusers' {@code cosine}). */
    COSINE("cosine", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine")),
    /** {@link #COSINE} with twice the peak learning rate, 2e-3. */
    COSINE_LR2("cosine-lr2", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3)),
    /** {@link #COSINE} with four times the peak learning rate, 4e-3. */
    COSINE_LR4("cosine-lr4", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(4e-3)),
    /** {@link #ZERO_SNR_ETA1} with 25% of the training timesteps drawn from the 100 noisiest ({@link TimestepSampler#uniformWithNoisyTail}). */
    NOISY_TAIL("noisy-tail", Settings.V1.zeroSnr(true).eta(1).noisyTail(0.25, 100)),
    /** {@link #ZERO_SNR_ETA1} with steps of 8 clips and the learning rate times sqrt 2. */
    BATCH8("batch8", Settings.V1.zeroSnr(true).eta(1).batch(8).lr(1.41e-3)),
    /** {@link #COSINE_LR2} with {@link #NOISY_TAIL}'s timesteps. */
    COSINE_LR2_TAIL("cosine-lr2-tail", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3).noisyTail(0.25, 100)),
    /** {@link #COSINE_LR2} on a UNet of half the width (16/32 channels, 8 groups; 0.18M parameters): about 1.9 times the steps per second. */
    NARROW_COSINE_LR2("narrow-cosine-lr2", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3).widths(16, 32, 8)),
    /**
     * {@link #ZERO_SNR_ETA1} with temporal attention at full resolution too, on a UNet of 48 channels at both levels
     * ({@code ch0 = ch1}, which that needs): the frames of the 16x16 level exchange information directly, not only
     * through the 8x8 level.
     */
    TEMPORAL0_48("temporal0-48", Settings.V1.zeroSnr(true).eta(1).widths(48, 48, 16).temporal0(true)),
    /** {@link #TEMPORAL0_48} at 32 channels on both levels (cheaper per step, fewer channels at half resolution). */
    TEMPORAL0_32("temporal0-32", Settings.V1.zeroSnr(true).eta(1).widths(32, 32, 16).temporal0(true)),
    /** {@link #ZERO_SNR_ETA1} with a longer parameter average: EMA decay 0.995 (a window of about 200 steps instead of 100). */
    EMA995("ema995", Settings.V1.zeroSnr(true).eta(1).emaDecay(0.995)),
    /**
     * {@link #ZERO_SNR_ETA1} sampled with the trained weights themselves: EMA decay 0, so after every step the average
     * is {@code shadow + 1 * (param - shadow)}, the weights up to float rounding. Training is unchanged (the average never
     * feeds back), so the trained weights are bit for bit those of {@link #ZERO_SNR_ETA1} and of {@link #EMA995}.
     */
    NO_EMA("no-ema", Settings.V1.zeroSnr(true).eta(1).emaDecay(0)),
    /**
     * {@link #COSINE_LR2} with {@link #ZERO_SNR_MIN_SNR}'s Min-SNR-gamma weights (gamma 5, v form with the SNR + 1 floor):
     * the low-noise steps weigh less, so the noisy steps where a clip's background colour is decided weigh relatively more.
     */
    COSINE_LR2_MIN_SNR("cosine-lr2-min-snr", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3).minSnrGamma(5)),
    /** {@link #COSINE_LR2} with {@link #EMA995}'s longer parameter average. */
    COSINE_LR2_EMA995("cosine-lr2-ema995", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3).emaDecay(0.995)),
    /**
     * {@link #COSINE_LR2_MIN_SNR} with twice its peak learning rate, 4e-3: at a fixed short budget a higher peak with a
     * decay to 0 is the usual first lever (the gradient stays clipped at norm 1).
     */
    COSINE_LR4_MIN_SNR("cosine-lr4-min-snr", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(4e-3).minSnrGamma(5)),
    /**
     * {@link #COSINE_LR2_MIN_SNR} sampled with guidance 3 instead of 2 (training unchanged, so the trained weights are
     * {@link #COSINE_LR2_MIN_SNR}'s bit for bit): a stronger pull towards the class, against objects that fade out.
     */
    COSINE_LR2_MIN_SNR_CFG3("cosine-lr2-min-snr-cfg3", Settings.V1.zeroSnr(true).eta(1).lrSchedule("cosine").lr(2e-3).minSnrGamma(5).guidance(3));

    /** The demo's recipe. */
    public static final DemoRecipe CURRENT = ZERO_SNR_ETA1;

    /** The name on the command line ({@code --recipe}) and in the report. */
    public final String cliName;
    final Settings settings;

    DemoRecipe(String cliName, Settings settings) {
        this.cliName = cliName;
        this.settings = settings;
    }

    /**
     * What a recipe changes, one named field each (changed with the withers).
     *
     * @param zeroTerminalSnr the schedule rescaled to zero terminal SNR ({@link ScheduleSpec#ZERO_TERMINAL_SNR}) instead of SPEC §1.1's
     * @param minSnrGamma     Min-SNR-gamma loss weights (0 = off)
     * @param lr              peak AdamW learning rate
     * @param lrSchedule      after the warm-up: {@link TrainConfig#lrSchedule} ({@code constant_with_warmup}, {@code linear}, {@code cosine})
     * @param batch           clips per training step
     * @param emaDecay        decay of the parameter average that samples
     * @param tailFraction    fraction of the training timesteps drawn from the {@code tailSteps} noisiest (0 = t uniform)
     * @param tailSteps       how many of the noisiest timesteps that tail covers
     * @param eta             DDIM's eta (0 deterministic, 1 the DDPM posterior's noise)
     * @param guidance        classifier-free guidance scale
     * @param ch0             the UNet's channels at full resolution (0 = the {@link DemoConfig}'s)
     * @param ch1             its channels at half resolution (0 = the {@link DemoConfig}'s)
     * @param groups          its GroupNorm groups (0 = the {@link DemoConfig}'s)
     * @param temporal0       temporal attention at full resolution too ({@link ModelSpec#temporal0}; needs {@code ch0 = ch1})
     */
    record Settings(boolean zeroTerminalSnr, double minSnrGamma, double lr, String lrSchedule, int batch, double emaDecay,
                    double tailFraction, int tailSteps, double eta, double guidance, int ch0, int ch1, int groups,
                    boolean temporal0) {
        /** The November 2026 recipe ({@link #V1}). */
        static final Settings V1 = new Settings(false, 0, 1e-3, TrainConfig.DEFAULT_LR_SCHEDULE, 4, 0.99, 0, 1, 0, 2.0, 0, 0, 0, false);

        Settings zeroSnr(boolean v) { return new Settings(v, minSnrGamma, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings minSnrGamma(double v) { return new Settings(zeroTerminalSnr, v, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings lr(double v) { return new Settings(zeroTerminalSnr, minSnrGamma, v, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings lrSchedule(String v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, v, batch, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings batch(int v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, v, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings emaDecay(double v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, v, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings noisyTail(double fraction, int steps) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, emaDecay, fraction, steps, eta, guidance, ch0, ch1, groups, temporal0); }
        Settings eta(double v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, v, guidance, ch0, ch1, groups, temporal0); }
        Settings widths(int c0, int c1, int g) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, guidance, c0, c1, g, temporal0); }
        Settings guidance(double v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, v, ch0, ch1, groups, temporal0); }
        Settings temporal0(boolean v) { return new Settings(zeroTerminalSnr, minSnrGamma, lr, lrSchedule, batch, emaDecay, tailFraction, tailSteps, eta, guidance, ch0, ch1, groups, v); }
    }

    /** The timestep law in words, for the report. */
    String describeTimesteps() {
        return settings.tailFraction() > 0 ? String.format(Locale.ROOT, "t uniform but %.0f%% of it drawn from the %d noisiest steps", 100 * settings.tailFraction(), settings.tailSteps())
            : "t uniform";
    }

    /** {@code base} (its model, data and evaluation) trained and sampled with this recipe. */
    DemoConfig apply(DemoConfig base) {
        Settings s = settings;
        TrainConfig t = base.run().train().withBatchSize(s.batch()).withLr(s.lr()).withLrSchedule(s.lrSchedule()).withWarmupSteps(50)
            .withEmaDecay(s.emaDecay()).withClassDropout(0.1).withMinSnrGamma(s.minSnrGamma());
        RunSpec run = base.run().withTrain(t).withNoise(s.zeroTerminalSnr() ? ScheduleSpec.ZERO_TERMINAL_SNR : ScheduleSpec.VC2);
        ModelSpec m = run.model();
        if (s.ch0() > 0) m = m.withCh0(s.ch0()).withCh1(s.ch1()).withGroups(s.groups());
        if (s.temporal0()) m = m.withTemporal0(true);
        run = new RunSpec(m, run.data(), run.objective(), run.noise(), run.train(), run.sections());
        // The timestep law goes into run.json, so that `vdiff train --resume` continues with it (TrainingSetup).
        run = s.tailFraction() > 0 ? TimestepSampler.withNoisyTail(run, s.tailFraction(), s.tailSteps()) : run.withSection(TimestepSampler.NOISY_TAIL_SECTION, null);
        return base.toBuilder().run(run).sampler(new SamplerSettings(SamplerSettings.Kind.DDIM, 16, s.guidance(), s.eta(), 1, 50, 1, 0)).recipe(this).build();
    }

    public static DemoRecipe parse(String s) {
        for (DemoRecipe r : values()) if (r.cliName.equals(s.trim().toLowerCase(Locale.ROOT))) return r;
        StringBuilder names = new StringBuilder();
        for (DemoRecipe r : values()) names.append(names.length() == 0 ? "" : ", ").append(r.cliName);
        throw new IllegalArgumentException("unknown demo recipe '" + s + "' (expected one of " + names + ")");
    }
}
