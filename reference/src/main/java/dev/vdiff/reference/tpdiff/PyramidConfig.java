package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;

import java.util.Arrays;

/**
 * Every choice of a TPDiff temporal pyramid (SPEC §5), with the paper's defaults. Each option that SPEC marks
 * RECONSTRUCTED is a named field here, so the other reading is one {@code with...} call away.
 *
 * <table>
 *   <caption>Fields (SPEC section; default)</caption>
 *   <tr><th>field</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code form}</td><td>flow matching or DDIM/VP (§5.1, eq. 6)</td><td>-</td></tr>
 *   <tr><td>{@code boundaries}</td><td>{@code t_0 = clean < t_1 < .. < t_K = noise}; stage k runs from
 *       {@code t_k} (noisier) down to {@code t_{k-1}}; K = length - 1 (§5.1)</td><td>K = 3, uniform [CONFIRMED-PAPER §4.1]</td></tr>
 *   <tr><td>{@code stepWeights}</td><td>inference steps per stage, in sampling order (stage K first)</td>
 *       <td>1-1-1; 1-1-2 best in the ICLR ablation [SECONDARY] (§5.1, §5.5b)</td></tr>
 *   <tr><td>{@code frameAxis}</td><td>the frame axis of the videos</td><td>1, the project's {@code [B, F, C, H, W]}
 *       (SPEC writes {@code [B, C, F, H, W]}: axis 2)</td></tr>
 *   <tr><td>{@code dataDownsampling}</td><td>Down for clean latents (§5.2)</td><td>SUBSAMPLE [RECONSTRUCTED]</td></tr>
 *   <tr><td>{@code noiseDownsampling}</td><td>how the aligned full-rate noise reaches a stage's frame count (§5.2, §5.4)</td>
 *       <td>AVERAGE_SCALED (pair average times sqrt 2) [RECONSTRUCTED]</td></tr>
 *   <tr><td>{@code alignment}</td><td>data-noise alignment (§5.4, Alg. 1)</td><td>LINEAR_ASSIGNMENT [CONFIRMED-PAPER]</td></tr>
 *   <tr><td>{@code renoising}</td><td>what happens at a stage jump (§5.5)</td><td>ANTI_CORRELATED with corrected
 *       starts [CONFIRMED-PAPER eqs. 14-24 + PF-CODE]</td></tr>
 *   <tr><td>{@code coefficient}</td><td>the factor on {@code Up(x_e)} at a jump (§5.5)</td><td>RATIO
 *       {@code gamma_s / gamma_e}; PRINTED_EQ23 reproduces the paper's typo</td></tr>
 *   <tr><td>{@code stageSampling}</td><td>how training picks each example's stage (§5.3)</td><td>UNIFORM [CONFIRMED-PAPER
 *       Alg. 2, uniform is our reading]</td></tr>
 *   <tr><td>{@code globalTime}</td><td>the time a flow model is shown (§5.3, §5.5c)</td><td>NOISE_LEVEL [RECONSTRUCTED];
 *       STAGE_SHARE = PF-CODE {@code timesteps_per_stage}</td></tr>
 *   <tr><td>{@code timestepScale}</td><td>flow model time per unit of time (§1.6)</td><td>1000 (Pyramid Flow)</td></tr>
 * </table>
 *
 * <pre>{@code
 * PyramidConfig flow = PyramidConfig.flow();                         // K = 3, boundaries 0, 1/3, 2/3, 1
 * PyramidConfig ddim = PyramidConfig.vp(NoiseSchedule.videoCrafter2()).withStepWeights(1, 1, 2);
 * PyramidStages stages = flow.stages();                              // starts 1, 0.738796, 0.414214
 * }</pre>
 */
public record PyramidConfig(
    DiffusionForm form,
    double[] boundaries,
    int[] stepWeights,
    int frameAxis,
    Downsampling dataDownsampling,
    Downsampling noiseDownsampling,
    NoiseAlignment.Mode alignment,
    Renoising renoising,
    RenoiseCoefficient coefficient,
    StageSampling stageSampling,
    GlobalTime globalTime,
    double timestepScale) {

    /** The paper's number of stages (SPEC §5.1). */
    public static final int DEFAULT_STAGES = 3;
    /** Frames on axis 1: the project's {@code [B, F, C, H, W]} layout (the UNet and the trainer). */
    public static final int FRAME_AXIS_BFCHW = 1;
    /** Frames on axis 2: SPEC's {@code [B, C, F, H, W]} layout. */
    public static final int FRAME_AXIS_BCFHW = 2;
    /** Pyramid Flow feeds a flow model {@code 1000 t} (SPEC §1.6). */
    public static final double PYRAMID_FLOW_TIMESTEP_SCALE = 1000;

    /** What happens to the latent at a jump from stage k+1 to the finer stage k (SPEC §5.5). */
    public enum Renoising {
        /**
         * Nearest temporal upsampling, then {@code c Up(x_e) + alpha n'} with anti-correlated pair noise, and stage k
         * starting at the corrected time of {@link DiffusionForm#correctedStart} (TPDiff eqs. 14-24; PF-CODE
         * corrected starts). The training end points use the same corrected starts.
         */
        ANTI_CORRELATED,
        /**
         * No renoising (TPDiff Fig. 6 ablation, "flickers"): stage k starts at the original boundary and the
         * duplicated frames go on unchanged ({@code c = 1, alpha = 0}).
         */
        NONE
    }

    /** The coefficient {@code c} on {@code Up(x_e)} at a jump (SPEC §5.5). */
    public enum RenoiseCoefficient {
        /** {@code c = gamma_s / gamma_e}, from mean continuity (TPDiff eq. 18) and PF-CODE: the right one. */
        RATIO,
        /**
         * The paper's printed eq. 15/23, {@code sqrt2 gamma_s / (sigma_s + sqrt2 gamma_s)}, with
         * {@code alpha = sigma_s / sqrt2}, {@code rho = -1}. Under flow matching it equals {@code gamma_e}, not the
         * ratio: a typo, kept only to show that it gives the wrong marginal (SPEC §5.5, §5.8 item 5).
         */
        PRINTED_EQ23
    }

    /** How a training batch is split over the stages (SPEC §5.3). */
    public enum StageSampling {
        /** Each example draws its stage k uniformly from 1..K (TPDiff Alg. 2, line 3). */
        UNIFORM,
        /**
         * The batch is cut into K equal contiguous parts, the first for stage K (noisiest), the last for stage 1
         * (PF-CODE {@code sample_ratios = [1, 1, 1]}); the remainder of {@code B mod K} goes to the finest stages.
         */
        EQUAL_SPLIT
    }

    /** The global time a flow model sees besides the stage-local position (SPEC §5.3, §5.5c). Not used by VP. */
    public enum GlobalTime {
        /**
         * The actual noise level {@code t = e_k + t' (s_k - e_k)} (SPEC §5.5c). With corrected starts the stages'
         * ranges overlap slightly; the frame count tells the stages apart.
         */
        NOISE_LEVEL,
        /**
         * Pyramid Flow's re-mapped time (PF-CODE {@code init_sigmas_for_each_stage}, continuous form): [0, 1] is
         * cut into consecutive shares proportional to the stage lengths {@code s_k - e_k}, stage K on top, and
         * {@code t'} runs linearly through the stage's share.
         */
        STAGE_SHARE
    }

    public PyramidConfig {
        if (form == null) throw new IllegalArgumentException("PyramidConfig: form is required");
        if (boundaries == null || boundaries.length < 2) throw new IllegalArgumentException("PyramidConfig: need at least 2 boundaries (one stage)");
        boundaries = boundaries.clone();
        if (boundaries[0] != form.cleanTime() || boundaries[boundaries.length - 1] != form.noiseTime()) {
            throw new IllegalArgumentException("PyramidConfig: boundaries " + Arrays.toString(boundaries) + " must run from the clean time "
                + form.cleanTime() + " to the noise time " + form.noiseTime() + " of " + form);
        }
        for (int i = 0; i < boundaries.length; i++) {
            form.checkTime(boundaries[i]);
            if (i > 0 && !(boundaries[i] > boundaries[i - 1])) throw new IllegalArgumentException("PyramidConfig: boundaries must increase, got " + Arrays.toString(boundaries));
        }
        int stages = boundaries.length - 1;
        if (stepWeights == null || stepWeights.length != stages) {
            throw new IllegalArgumentException("PyramidConfig: need one step weight per stage (" + stages + "), got " + (stepWeights == null ? "null" : Arrays.toString(stepWeights)));
        }
        stepWeights = stepWeights.clone();
        for (int w : stepWeights) if (w < 1) throw new IllegalArgumentException("PyramidConfig: step weights must be >= 1, got " + Arrays.toString(stepWeights));
        if (frameAxis < 1) throw new IllegalArgumentException("PyramidConfig: the frame axis must come after the batch axis, got " + frameAxis);
        if (dataDownsampling == null || noiseDownsampling == null || alignment == null || renoising == null || coefficient == null
            || stageSampling == null || globalTime == null) {
            throw new IllegalArgumentException("PyramidConfig: every option must be set");
        }
        if (!(timestepScale > 0) || Double.isInfinite(timestepScale)) throw new IllegalArgumentException("PyramidConfig: timestep scale must be positive, got " + timestepScale);
    }

    /** The paper's defaults for a form: K = 3 uniform stages, 1-1-1 steps, all options as in the table above. */
    public static PyramidConfig defaults(DiffusionForm form) {
        return new PyramidConfig(form, form.uniformBoundaries(DEFAULT_STAGES), new int[] {1, 1, 1}, FRAME_AXIS_BFCHW,
            Downsampling.SUBSAMPLE, Downsampling.AVERAGE_SCALED, NoiseAlignment.Mode.LINEAR_ASSIGNMENT,
            Renoising.ANTI_CORRELATED, RenoiseCoefficient.RATIO, StageSampling.UNIFORM, GlobalTime.NOISE_LEVEL,
            PYRAMID_FLOW_TIMESTEP_SCALE);
    }

    /** Defaults for flow matching (MiniFlux-vid in the paper). */
    public static PyramidConfig flow() {
        return defaults(new DiffusionForm.Flow());
    }

    /** Defaults for DDIM over {@code schedule} (AnimateDiff in the paper). */
    public static PyramidConfig vp(NoiseSchedule schedule) {
        return defaults(new DiffusionForm.Vp(schedule));
    }

    /** K, the number of stages. */
    public int stageCount() {
        return boundaries.length - 1;
    }

    /** The derived stage table. */
    public PyramidStages stages() {
        return new PyramidStages(this);
    }

    @Override
    public double[] boundaries() {
        return boundaries.clone();
    }

    @Override
    public int[] stepWeights() {
        return stepWeights.clone();
    }

    /** {@code stages} uniform stages; step weights reset to all ones. */
    public PyramidConfig withUniformStages(int stages) {
        int[] ones = new int[stages];
        Arrays.fill(ones, 1);
        return withBoundaries(form.uniformBoundaries(stages)).withStepWeights(ones);
    }

    /** Explicit boundaries {@code t_0..t_K}; the step weights must match K (reset to ones if K changes). */
    public PyramidConfig withBoundaries(double... b) {
        int[] w = stepWeights.length == b.length - 1 ? stepWeights : ones(b.length - 1);
        return new PyramidConfig(form, b, w, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    /** Step weights in sampling order (stage K first), e.g. {@code 1, 1, 2}. */
    public PyramidConfig withStepWeights(int... w) {
        return new PyramidConfig(form, boundaries, w, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withFrameAxis(int axis) {
        return new PyramidConfig(form, boundaries, stepWeights, axis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withDataDownsampling(Downsampling d) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, d, noiseDownsampling, alignment, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withNoiseDownsampling(Downsampling d) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, d, alignment, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withAlignment(NoiseAlignment.Mode m) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, m, renoising, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withRenoising(Renoising r) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, alignment, r, coefficient, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withCoefficient(RenoiseCoefficient c) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, c, stageSampling, globalTime, timestepScale);
    }

    public PyramidConfig withStageSampling(StageSampling s) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, s, globalTime, timestepScale);
    }

    public PyramidConfig withGlobalTime(GlobalTime g) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, stageSampling, g, timestepScale);
    }

    public PyramidConfig withTimestepScale(double scale) {
        return new PyramidConfig(form, boundaries, stepWeights, frameAxis, dataDownsampling, noiseDownsampling, alignment, renoising, coefficient, stageSampling, globalTime, scale);
    }

    private static int[] ones(int n) {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyramidConfig c && form.equals(c.form) && Arrays.equals(boundaries, c.boundaries) && Arrays.equals(stepWeights, c.stepWeights)
            && frameAxis == c.frameAxis && dataDownsampling == c.dataDownsampling && noiseDownsampling == c.noiseDownsampling
            && alignment == c.alignment && renoising == c.renoising && coefficient == c.coefficient && stageSampling == c.stageSampling
            && globalTime == c.globalTime && timestepScale == c.timestepScale;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(boundaries) * 31 + Arrays.hashCode(stepWeights);
    }

    @Override
    public String toString() {
        return "PyramidConfig(" + form + ", boundaries " + Arrays.toString(boundaries) + ", steps " + Arrays.toString(stepWeights)
            + ", frame axis " + frameAxis + ", down " + dataDownsampling + "/" + noiseDownsampling + ", " + alignment + ", " + renoising
            + ", " + coefficient + ", " + stageSampling + ", " + globalTime + ")";
    }
}
