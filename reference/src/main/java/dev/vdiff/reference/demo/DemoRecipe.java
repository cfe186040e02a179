package dev.vdiff.reference.demo;

import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.ScheduleSpec;
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
    V1("v1", false, 0, 1e-3, 0, 0),
    /** {@link #V1} on the schedule rescaled to zero terminal SNR (Lin et al. 2024, §3.1; {@link ScheduleSpec}). */
    ZERO_SNR("zero-snr", true, 0, 1e-3, 0, 0),
    /** {@link #ZERO_SNR} with Min-SNR-gamma loss weights, gamma 5 (Hang et al. 2023; {@code MinSnrWeight}). */
    ZERO_SNR_MIN_SNR("zero-snr-min-snr", true, 5, 1e-3, 0, 0),
    /** {@link #ZERO_SNR} with twice the learning rate, 2e-3. */
    ZERO_SNR_LR2("zero-snr-lr2", true, 0, 2e-3, 0, 0),
    /** {@link #V1} sampled with stochastic DDIM, eta = 1 (the DDPM posterior noise at every step; Song et al. 2021, eq. 16). */
    V1_ETA1("v1-eta1", false, 0, 1e-3, 0, 1),
    /**
     * {@link #ZERO_SNR} sampled with stochastic DDIM, eta = 1: the fresh noise of every step lets the sampler pick a
     * background colour instead of committing to the class's average (grey) in its first deterministic step.
     */
    ZERO_SNR_ETA1("zero-snr-eta1", true, 0, 1e-3, 0, 1);

    /** The demo's recipe. */
    public static final DemoRecipe CURRENT = ZERO_SNR_ETA1;

    /** The name on the command line ({@code --recipe}) and in the report. */
    public final String cliName;
    private final boolean zeroTerminalSnr;
    private final double minSnrGamma, lr, guidanceRescale, eta;

    DemoRecipe(String cliName, boolean zeroTerminalSnr, double minSnrGamma, double lr, double guidanceRescale, double eta) {
        this.eta = eta;
        this.cliName = cliName;
        this.zeroTerminalSnr = zeroTerminalSnr;
        this.minSnrGamma = minSnrGamma;
        this.lr = lr;
        this.guidanceRescale = guidanceRescale;
    }

    /** {@code base} (its model, data and evaluation) trained and sampled with this recipe. */
    DemoConfig apply(DemoConfig base) {
        TrainConfig t = base.run().train().withBatchSize(4).withLr(lr).withWarmupSteps(50).withEmaDecay(0.99).withClassDropout(0.1)
            .withMinSnrGamma(minSnrGamma);
        RunSpec run = base.run().withTrain(t).withNoise(zeroTerminalSnr ? ScheduleSpec.ZERO_TERMINAL_SNR : ScheduleSpec.VC2);
        return base.toBuilder().run(run).sampler(new SamplerSettings(SamplerSettings.Kind.DDIM, 16, 2.0, eta, 1, 50, 1, guidanceRescale)).recipe(this).build();
    }

    public static DemoRecipe parse(String s) {
        for (DemoRecipe r : values()) if (r.cliName.equals(s.trim().toLowerCase(Locale.ROOT))) return r;
        StringBuilder names = new StringBuilder();
        for (DemoRecipe r : values()) names.append(names.length() == 0 ? "" : ", ").append(r.cliName);
        throw new IllegalArgumentException("unknown demo recipe '" + s + "' (expected one of " + names + ")");
    }
}
