package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.tpdiff.PyramidLoss;
import dev.vdiff.reference.train.RunSpec;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code vdiff train --pyramid} options: a TPDiff temporal pyramid (SPEC §5) with the paper's defaults, each
 * RECONSTRUCTED choice of {@link PyramidConfig} as a flag. Giving any of them without {@code --pyramid} is an error.
 */
public final class PyramidOptions {
    @Option(names = "--pyramid", description = "train as a TPDiff temporal pyramid: stage k of K runs at 1/2^(k-1) of the frame rate (SPEC §5); "
        + "flow runs sample with the pyramid flow sampler, eps/v runs with the pyramid DDIM sampler")
    boolean pyramid;
    @Option(names = "--stages", description = "pyramid stages K, uniformly partitioned; --frames must be divisible by 2^(K-1) (default: 3)")
    Integer stages;
    @Option(names = "--step-weights", split = ",", paramLabel = "W", description = "sampling steps per stage, noisiest stage first, e.g. 1,1,2 (default: all 1)")
    List<Integer> stepWeights;
    @Option(names = "--no-alignment", description = "switch off data-noise alignment (TPDiff Alg. 1; on by default)")
    boolean noAlignment;
    @Option(names = "--renoising", description = "anti-correlated (TPDiff eqs. 14-24, default) or none (the paper's ablation)")
    String renoising;
    @Option(names = "--renoise-coefficient", description = "ratio (gamma_s/gamma_e, default) or printed-eq23 (the paper's typo, for comparison)")
    String coefficient;
    @Option(names = "--stage-sampling", description = "uniform (each clip draws its stage, default) or equal-split (Pyramid Flow's equal batch parts)")
    String stageSampling;
    @Option(names = "--global-time", description = "flow runs: the time the model sees: noise-level (default) or stage-share (Pyramid Flow)")
    String globalTime;
    @Option(names = "--data-downsampling", description = "temporal Down of clean videos: subsample (default), average or average-scaled")
    String dataDownsampling;
    @Option(names = "--noise-downsampling", description = "temporal Down of the aligned noise: average-scaled (default), average or subsample")
    String noiseDownsampling;

    /** The pyramid of {@code run} (its objective decides the form); every problem is a one-line {@link UserError}. */
    PyramidConfig config(RunSpec run) {
        if (!pyramid) throw new UserError("--stages, --step-weights, --no-alignment, --renoising, --renoise-coefficient, --stage-sampling, --global-time, "
            + "--data-downsampling and --noise-downsampling only apply with --pyramid");
        try {
            PyramidConfig c = PyramidConfig.defaults(PyramidJson.form(run.objective(), run.schedule()));
            if (stages != null) {
                if (stages < 1 || stages > 6) throw new UserError("--stages must be in 1..6, got " + stages);
                c = c.withUniformStages(stages);
            }
            if (stepWeights != null) {
                if (stepWeights.size() != c.stageCount()) throw new UserError("--step-weights needs one weight per stage (" + c.stageCount() + "), got " + stepWeights);
                c = c.withStepWeights(stepWeights.stream().mapToInt(Integer::intValue).toArray());
            }
            if (noAlignment) c = c.withAlignment(NoiseAlignment.Mode.OFF);
            if (renoising != null) c = c.withRenoising(PyramidJson.parse(PyramidConfig.Renoising.class, renoising, "--renoising"));
            if (coefficient != null) c = c.withCoefficient(PyramidJson.parse(PyramidConfig.RenoiseCoefficient.class, coefficient, "--renoise-coefficient"));
            if (stageSampling != null) c = c.withStageSampling(PyramidJson.parse(PyramidConfig.StageSampling.class, stageSampling, "--stage-sampling"));
            if (globalTime != null) c = c.withGlobalTime(PyramidJson.parse(PyramidConfig.GlobalTime.class, globalTime, "--global-time"));
            if (dataDownsampling != null) c = c.withDataDownsampling(PyramidJson.parse(Downsampling.class, dataDownsampling, "--data-downsampling"));
            if (noiseDownsampling != null) c = c.withNoiseDownsampling(PyramidJson.parse(Downsampling.class, noiseDownsampling, "--noise-downsampling"));
            int need = 1 << (c.stageCount() - 1);
            if (run.data().frames() % need != 0) {
                throw new UserError("--frames " + run.data().frames() + " cannot be halved " + (c.stageCount() - 1) + " times for " + c.stageCount() + " pyramid stages: it must be a multiple of " + need);
            }
            c.stages();                                   // stage ranges and corrected starts exist
            new PyramidLoss(c, run.objective());
            return c;
        } catch (UserError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UserError("--pyramid: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "PyramidOptions(" + pyramid + ", " + stages + ", " + (stepWeights == null ? "-" : Arrays.toString(stepWeights.toArray())) + ")";
    }
}
