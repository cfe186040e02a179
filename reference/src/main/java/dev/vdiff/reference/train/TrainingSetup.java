package dev.vdiff.reference.train;

import dev.vdiff.reference.data.VideoDataset;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The plug-ins of one training run, collected from its {@link TrainingMethod}s before the {@link Trainer} is
 * built. Each point may be set by one method only (two methods that both draw the timesteps, or both replace the
 * loss, cannot be combined: an {@link IllegalArgumentException} names them); extra state and after-step work add up.
 * Unset points keep the plain DDPM defaults of {@link Trainer}: uniform timesteps, the objective's loss, batches in
 * data order, unweighted, the module's parameters trained, the default step streams.
 */
public final class TrainingSetup {
    private final RunSpec run;
    private final VideoDataset data;
    private final Path runDir;
    private final boolean resumed;
    private final PrintStream log;

    private TimestepSampler timesteps;
    private Trainer.LossBuilder loss;
    private DataSelection selection;
    private SampleWeights weights;
    private final List<CheckpointState> extraState = new ArrayList<>();
    private TrainableParameters trainable;
    private Trainer.StepStream stepStream;
    private final List<AfterStep> afterSteps = new ArrayList<>();
    private final List<String> owners = new ArrayList<>();

    /**
     * @param run     the run's settings
     * @param data    its data set, opened
     * @param runDir  the run folder (methods keep their files there, e.g. TQD's {@code scores.csv})
     * @param resumed whether the run continues from a checkpoint (methods then read what they wrote, never rewrite it)
     * @param log     where methods report what they do (standard error for the command line)
     */
    public TrainingSetup(RunSpec run, VideoDataset data, Path runDir, boolean resumed, PrintStream log) {
        this.run = Objects.requireNonNull(run, "run");
        this.data = Objects.requireNonNull(data, "data");
        this.runDir = runDir;
        this.resumed = resumed;
        this.log = log;
    }

    public RunSpec run() {
        return run;
    }

    public VideoDataset data() {
        return data;
    }

    public Path runDir() {
        return runDir;
    }

    public boolean resumed() {
        return resumed;
    }

    public PrintStream log() {
        return log;
    }

    /** Draws the training timesteps (default: uniform on {@code 0..T-1}). */
    public void timesteps(TimestepSampler s, String by) {
        claim("the timestep sampler", timesteps, by);
        timesteps = Objects.requireNonNull(s);
    }

    /** Replaces steps 3-6 of the training step, timesteps included (default: the objective's L_simple). */
    public void loss(Trainer.LossBuilder l, String by) {
        claim("the loss", loss, by);
        loss = Objects.requireNonNull(l);
    }

    /** Chooses the clips of each batch (default: the next ones in data order). */
    public void selection(DataSelection s, String by) {
        claim("the batch selection", selection, by);
        selection = Objects.requireNonNull(s);
    }

    /** Weights each sample's loss (default: unweighted). */
    public void sampleWeights(SampleWeights w, String by) {
        claim("the sample weights", weights, by);
        weights = Objects.requireNonNull(w);
    }

    /** Adds state to every checkpoint of the run. */
    public void extraState(CheckpointState s) {
        extraState.add(Objects.requireNonNull(s));
    }

    /** Trains {@code p.parameters()} instead of the network's parameters ({@link TrainableParameters}). */
    public void trainable(TrainableParameters p, String by) {
        claim("the trainable parameters", trainable, by);
        trainable = Objects.requireNonNull(p);
    }

    /** Where each step's random numbers come from ({@link Trainer.StepStream}; default {@code root.split(STEPS).split(k)}). */
    public void stepStream(Trainer.StepStream s, String by) {
        claim("the step stream", stepStream, by);
        stepStream = Objects.requireNonNull(s);
    }

    /** Adds work after every optimizer step ({@link AfterStep}), run in the order added. */
    public void afterStep(AfterStep a) {
        afterSteps.add(Objects.requireNonNull(a));
    }

    /** A fresh trainer at step 0 with these plug-ins (load a checkpoint into it to resume). */
    public Trainer build(Denoiser model) {
        if (loss != null && timesteps != null) {
            throw new IllegalArgumentException(owner("the loss") + " replaces the loss and draws its own timesteps; it cannot be combined with " + owner("the timestep sampler") + "'s timesteps");
        }
        if (loss != null && weights != null) {
            throw new IllegalArgumentException(owner("the loss") + " replaces the loss; it cannot be combined with " + owner("the sample weights") + "'s sample weights");
        }
        if (timesteps != null && run.section(TimestepSampler.NOISY_TAIL_SECTION).isPresent()) {
            throw new IllegalArgumentException(owner("the timestep sampler") + " draws its own timesteps; it cannot be combined with run.json's \""
                + TimestepSampler.NOISY_TAIL_SECTION + "\"");
        }
        TimestepSampler t = timesteps != null ? timesteps : TimestepSampler.ofRun(run);
        Trainer tr = new Trainer(model, data, run.train(), run.objective(), run.schedule(), t, loss);
        if (selection != null) tr.withDataSelection(selection);
        if (weights != null) tr.withSampleWeights(weights);
        for (CheckpointState s : extraState) tr.withExtraState(s);
        if (trainable != null) tr.withTrainableParameters(trainable);
        if (stepStream != null) tr.withStepStream(stepStream);
        for (AfterStep a : afterSteps) tr.withAfterStep(a);
        return tr;
    }

    private void claim(String point, Object current, String by) {
        if (current != null) throw new IllegalArgumentException(owner(point) + " and " + by + " both set " + point + "; they cannot be combined");
        owners.add(point + "\u0000" + by);
    }

    private String owner(String point) {
        for (String o : owners) if (o.startsWith(point + "\u0000")) return o.substring(point.length() + 1);
        return "?";
    }
}
