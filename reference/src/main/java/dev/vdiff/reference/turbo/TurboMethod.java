package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.distill.ConsistencyDistillationLoss;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.train.CheckpointState;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.reference.turbo.reward.RewardCheckpoint;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * T2V-Turbo-v2 as a {@link TrainingMethod} of the generic trainer: a run with a {@code "turbo"} section of
 * {@code run.json} ({@link TurboSettings}) trains a {@link StudentNetwork} with {@link TurboLoss} as the trainer's
 * loss. The trainer keeps doing the rest: data order, AdamW, gradient clipping, its EMA (the weights
 * {@code vdiff sample} uses by default), checkpoints and bit-exact resume. The EMA target of the v1 variant is
 * extra checkpointed state ({@code ema_target.safetensors}).
 *
 * <p>Random numbers of step k: the solver from the step stream's {@link Trainer#NOISE} sub-stream, the reward frames
 * from its {@link Trainer#TIMESTEPS} sub-stream. The EMA target is updated lazily, at the start of the next step's
 * loss (with the weights the previous step produced), which is the same sequence as updating after each step and
 * keeps all updates inside the loss; at step 0 the update averages the initial weights with themselves.
 *
 * <p>The run folder holds copies of what the loss reads ({@code teacher.safetensors}, the reward models), so a
 * resumed run never depends on files it did not write.
 */
public final class TurboMethod implements TrainingMethod {
    private final StudentNetwork network;

    /** The method for sampling only ({@link #network}); configuring a training run needs the student. */
    public TurboMethod() {
        this(null);
    }

    /** The method for training {@code network} ({@code vdiff distill}). */
    public TurboMethod(StudentNetwork network) {
        this.network = network;
    }

    @Override
    public String section() {
        return TurboSettings.SECTION;
    }

    /** The settings of a run, or null when it is not a distilled student. */
    public static TurboSettings settings(RunSpec run) {
        return run.readSection(TurboSettings.SECTION, TurboSettings::fromJson, null);
    }

    @Override
    public void configure(TrainingSetup setup) throws IOException {
        TurboSettings s = settings(setup.run());
        if (s == null) return;
        if (network == null) throw new UserError(setup.runDir() + " is a distilled student (T2V-Turbo); continue it with vdiff distill --resume " + setup.runDir());
        RunSpec run = setup.run();
        Path dir = setup.runDir();
        FrozenTeacher teacher = new FrozenTeacher(VideoUNet.load(Models.config(run.model()), Safetensors.read(dir.resolve(TurboSettings.TEACHER_FILE)), DType.FLOAT32));
        RewardObjective rewards = null;
        if (s.hasRewards()) {
            var image = s.betaImage() > 0 ? RewardCheckpoint.load(dir.resolve(s.imageReward())).reward() : null;
            var video = s.betaVideo() > 0 ? RewardCheckpoint.load(dir.resolve(s.videoReward())).reward() : null;
            rewards = new RewardObjective(s.rewards(), image, video);
        }
        StudentNetwork net = network;
        TurboDistillation.Config config = new TurboDistillation.Config(s.solver(), s.motion(), s.targetKind(), s.targetDecay(), run.train().lr(),
            run.train().gradClip(), LcmBoundary.T2V_TURBO, ConsistencyDistillationLoss.HUBER_C,
            x -> Arithmetic.mul(Arithmetic.add(net.unfold(x), 1.0), 0.5), run.train().seed());
        MotionGate gate = s.motionThreshold() > 0 ? MotionGate.flow(s.motionThreshold()) : MotionGate.all();
        TurboLoss loss = new TurboLoss(teacher, run.schedule(), config, gate, rewards);
        EmaTarget target = s.targetKind() == TurboDistillation.Target.EMA ? new EmaTarget(network.student(), s.targetDecay()) : null;
        if (target != null) setup.extraState(target);
        setup.loss((model, batch, x0, y, r) -> {
            if (model != net) throw new IllegalStateException("TurboMethod: the trainer's model is not the student this method was made for");
            if (target != null) target.update();
            return loss.loss(net.student(), net.fold(x0), y, target == null ? null : target.ema, r.split(Trainer.NOISE), r.split(Trainer.TIMESTEPS)).total();
        }, "turbo");
    }

    /**
     * The student of a run with a {@code "turbo"} section (weights not loaded), with sampling inputs {@code omega}
     * and {@code motion_strength} (absent: the run's defaults); null for other runs.
     */
    @Override
    public Denoiser network(RunSpec run, Map<String, Double> inputs) {
        TurboSettings s = settings(run);
        if (s == null) return null;
        for (String k : inputs.keySet()) if (!Set.of("omega", "motion_strength").contains(k)) throw new UserError("a T2V-Turbo student has no sampling input '" + k + "'");
        double omega = inputs.getOrDefault("omega", s.sampleOmega()), lambda = inputs.getOrDefault("motion_strength", s.sampleMotionStrength());
        if (!Double.isFinite(omega) || !(lambda >= 0) || Double.isInfinite(lambda)) throw new UserError("--omega must be finite and --motion-strength >= 0, got " + omega + " and " + lambda);
        return student(run, s, omega, lambda);
    }

    /** A fresh student network of {@code run} (projections drawn from the run seed; the UNet's weights to be loaded). */
    public static StudentNetwork student(RunSpec run, TurboSettings s, double omega, double lambda) {
        Rng rng = Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT);
        VideoUNet unet = new VideoUNet(Models.config(run.model()), DType.FLOAT32, rng.split(0));
        GuidedStudent g = new GuidedStudent(unet, s.student(), rng.split(1));
        return new StudentNetwork(g, run.model().patch(), run.model().classes(), omega, lambda, s.samplePercentage());
    }

    /** The v1 EMA target theta^- (eq. 4) as checkpointed state, updated lazily before each step's loss. */
    static final class EmaTarget implements CheckpointState {
        final Ema ema;
        private final GuidedStudent student;

        EmaTarget(GuidedStudent student, double decay) {
            this.student = student;
            this.ema = new Ema(student.namedParameters(), decay);
        }

        void update() {
            ema.update(student.namedParameters());
        }

        @Override
        public String name() {
            return "ema_target";
        }

        @Override
        public Map<String, Tensor> stateDict() {
            return ema.stateDict();
        }

        @Override
        public void loadStateDict(Map<String, Tensor> state) {
            ema.loadStateDict(state);
        }
    }
}
