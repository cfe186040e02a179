package dev.vdiff.reference.train;

import java.io.IOException;

/**
 * A paper's training method as the generic trainer sees it: it owns one section of {@code run.json}, puts its
 * plug-ins into a {@link TrainingSetup} (timestep sampler, loss, batch selection, sample weights, extra
 * checkpointed state) when a run uses it, and may give the run's videos their own sampler. The command line
 * lists the methods ({@code dev.vdiff.cli.Catalog}); nothing in {@code train} knows any of them.
 *
 * <pre>{@code
 * TrainingSetup setup = new TrainingSetup(run, data, runDir, resumed, System.err);
 * for (TrainingMethod m : methods) m.configure(setup);
 * Trainer trainer = setup.build(model);
 * }</pre>
 *
 * <p>Examples: TQD ({@code reference.tqd.train.TqdMethod}: section {@code "timesteps"}, per-clip Beta timesteps
 * and quality dropout), TPDiff ({@code reference.tpdiff.PyramidMethod}: section {@code "pyramid"}, the stage-wise
 * loss and the stage-by-stage sampler).
 */
public interface TrainingMethod {
    /** The key of this method's settings in {@code run.json} ({@link RunSpec#section}). */
    String section();

    /**
     * Adds this method's plug-ins when {@code setup.run()} uses it (has its section), otherwise does nothing.
     * Called for a new run after {@code run.json} is complete and for every resume, before the trainer is built;
     * it may write files of its own into {@code setup.runDir()} (a new run only).
     */
    void configure(TrainingSetup setup) throws IOException;

    /**
     * The network of this method's runs when it is not the standard UNet ({@link Models#build}), or null: e.g. a
     * distilled student with extra inputs (T2V-Turbo's guidance scale and motion strength). The weights are loaded
     * by the caller ({@code module().loadStateDict}). {@code inputs} are the sampling inputs the user set by name
     * (e.g. {@code omega}); the method refuses names it does not know with a {@code UserError}.
     */
    default Denoiser network(RunSpec run, java.util.Map<String, Double> inputs) {
        return null;
    }

    /** The sampler the run's videos must be generated with, or null for the standard samplers. */
    default VideoSampler sampler(RunSpec run) {
        return null;
    }
}
