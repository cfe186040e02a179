package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.mcm.lora.LoraAdapters;
import dev.vdiff.reference.train.CheckpointState;
import dev.vdiff.reference.train.TrainableParameters;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MCM's training step (SPEC §4.1-4.5, released {@code main.py}) as plug-ins of the generic {@link Trainer}
 * ({@link McmTraining} wires them): on a batch of clean clips and high-quality images, with the state a checkpoint needs.
 * Per step {@code s}, every random draw from the step's stream {@code Rng.seed(seed).split(s)}:
 * <ol>
 *   <li>{@link #generatorLoss} (the trainer's loss): {@code L_MCD} with mixed trajectories
 *       ({@link MotionConsistencyDistillation}; the target network is the online student under no-grad, or an EMA copy
 *       of its trainable weights, {@link McmConfig.Target}); two frames per video of the student's estimate {@code F_s}
 *       (TSN, {@link TsnFrameSampler}) through the frame discriminator: {@code L_G = L_MCD + lambda_adv L_adv}
 *       ({@link GeneratorLoss});</li>
 *   <li>the trainer: backward, LoRA gradients ({@link #trainableParameters()}: {@link LoraAdapters#collectGradients}),
 *       gradient-norm clipping, AdamW over the adapters (or the whole student) and the learned head {@code g_phi};</li>
 *   <li>{@link #afterStep} (the trainer's {@code AfterStep}): EMA updates of {@code g_phi^-} (0.95) and, with an EMA
 *       target, of the student; the discriminator on the real images and the detached frames, {@code L_D} with the
 *       gradient penalty ({@link FrameDiscriminator#discriminatorLoss}), its AdamW step, and the adaptive
 *       {@code lambda_gp} ({@link GradientPenaltyWeight}); it reports the step's loss terms.</li>
 * </ol>
 * The student is a copy of the teacher's UNet without an {@code omega} input (SPEC §4.2: the LoRA student gets no
 * omega embedding), with LoRA adapters ({@link McmConfig#lora()}) or trained whole ({@code lora = null}).
 *
 * <pre>{@code
 * McmDistillation d = new McmDistillation(new FrozenTeacher(unet), schedule, McmConfig.mcm(seed, 3, classes));
 * Trainer tr = McmTraining.trainer(d, Objective.EPSILON, clips, 1024, images, new McmTraining.Loop(100, 4, 0, 1));
 * tr.run(100, checkpoints, r -> log(McmDistillation.StepResult.of(r)));
 * }</pre>
 */
public final class McmDistillation {
    /** A batch: clean clips {@code [B, F, C, H, W]}, labels {@code [B]}, and {@code B * frames} real images {@code [B k, C, H, W]} whose labels are each clip's label repeated k times. */
    public record Batch(Tensor videos, Tensor labels, Tensor images) {}

    /** The names of the values {@link #afterStep} reports each step (the trainer's {@code terms}). */
    public static final String LOSS_MCD = "loss_mcd", LOSS_ADV = "loss_adv", LOSS_D = "loss_d", GRADIENT_PENALTY = "gradient_penalty", LAMBDA_GP = "lambda_gp",
        GENERATED = "generated";

    /** What one step measured ({@code lossAdv}, {@code lossD}, {@code gradientPenalty} are 0 without a discriminator); {@code step} is 0-based. */
    public record StepResult(long step, double lossMcd, double lossAdv, double lossG, double lossD, double gradientPenalty, double lambdaGp, boolean generated, double gradNorm) {
        /** The MCM view of a trainer step: {@code L_G} is the trainer's loss, the rest its terms. */
        public static StepResult of(Trainer.StepResult r) {
            Map<String, Double> t = r.terms();
            return new StepResult(r.step() - 1, t.get(LOSS_MCD), t.get(LOSS_ADV), r.loss(), t.get(LOSS_D), t.get(GRADIENT_PENALTY), t.get(LAMBDA_GP), t.get(GENERATED) != 0, r.gradNorm());
        }
    }

    /** What {@link #generatorLoss} leaves for {@link #afterStep}: the discriminator's inputs and the loss terms. */
    private record Pending(Batch batch, Tensor fake, Tensor frameLabels, Rng rDisc, double lossMcd, double lossAdv, boolean generated) {}

    private final FrozenTeacher teacher;
    private final PredictionType prediction;            // what the teacher's UNet (and so the student copy) outputs
    private final McmConfig config;
    private final VideoUNet student;
    private final LoraAdapters lora;                    // null: the whole student trains
    private final Map<String, Tensor> trainable;        // adapters or student weights
    private final LearnedMotionHead head, headTarget;   // null unless representation = learn
    private final Ema headEma, studentEma;
    private final FrameDiscriminator disc;              // null when lambda_adv = 0
    private final MotionConsistencyDistillation mcd;
    private final MotionTarget motion;
    private final GeneratorLoss generatorLoss;
    private final GradientPenaltyWeight gpWeight;
    private final AdamW discOptimizer;
    private final NoiseSchedule schedule;
    private Pending pending;

    /** An eps-predicting teacher (the MCM paper's and {@code vdiff train}'s default). */
    public McmDistillation(FrozenTeacher teacher, NoiseSchedule schedule, McmConfig config) {
        this(teacher, PredictionType.EPSILON, schedule, config);
    }

    /**
     * A teacher whose UNet predicts {@code prediction} (eps or v, SPEC §1.2) on {@code schedule} (the one it was trained
     * on, e.g. rescaled to zero terminal SNR). The student is a copy of the teacher's UNet, so it predicts the same
     * quantity; the DDIM solver and the consistency function convert either to {@code x0_hat} and {@code eps_hat}
     * ({@code Parameterization}).
     */
    public McmDistillation(FrozenTeacher teacher, PredictionType prediction, NoiseSchedule schedule, McmConfig config) {
        if (prediction != PredictionType.EPSILON && prediction != PredictionType.V_PREDICTION) throw new IllegalArgumentException("MCM: the teacher must predict eps or v, got " + prediction);
        if (prediction == PredictionType.EPSILON && schedule.sqrtAlphaBar(schedule.numTrainTimesteps() - 1) == 0) {
            throw new IllegalArgumentException("MCM: an eps teacher cannot use a zero-terminal-SNR schedule (x0 = (z - s eps) / a divides by a = 0 at t = T-1; Lin et al. 2024 §3.2: use v)");
        }
        this.teacher = teacher;
        this.prediction = prediction;
        this.schedule = schedule;
        this.config = config;
        VideoUNet t = teacher.unet();
        DType dt = t.dtype();
        int channels = t.config().channels();
        Rng init = Rng.seed(config.seed()).split(-1);      // initialisation draws; steps use split(s >= 0)
        this.student = VideoUNet.load(t.config(), t.stateDict(), dt);
        Map<String, Tensor> params = new LinkedHashMap<>();
        if (config.lora() != null) {
            lora = LoraAdapters.attach(student, config.lora(), init.split(0));
            for (Tensor p : student.parameters()) p.requiresGrad(false);
            for (LoraAdapters.Adapter a : lora.adapters().values()) a.weight().requiresGrad(true);   // dL/dW, turned into dA, dB
            params.putAll(prefixed("lora.", lora.namedParameters()));
        } else {
            lora = null;
            params.putAll(prefixed("unet.", student.namedParameters()));
        }
        this.trainable = params;
        this.mcd = new MotionConsistencyDistillation(config.mcd(), schedule);
        if (config.representation() == McmConfig.Representation.LEARN) {
            head = new LearnedMotionHead(new LearnedMotionHead.Config(channels, config.headHidden(), config.headGroups()), dt, init.split(1));
            headTarget = new LearnedMotionHead(head.config, dt, init.split(1));
            headEma = new Ema(head.namedParameters(), config.headEmaDecay());
            headEma.copyTo(headTarget.namedParameters());
            for (Tensor p : headTarget.parameters()) p.requiresGrad(false);
            motion = MotionTarget.learned(head, headTarget, MotionTarget.Layout.BFCHW);
            params.putAll(prefixed("head.", head.namedParameters()));
        } else {
            head = headTarget = null;
            headEma = null;
            motion = MotionTarget.fixed(config.representation().fixed(), config.filter(), MotionTarget.Layout.BFCHW);
        }
        this.studentEma = config.target() == McmConfig.Target.EMA ? new Ema(studentWeights(), config.targetEmaDecay()) : null;
        this.generatorLoss = new GeneratorLoss(config.lambdaAdv());
        this.gpWeight = new GradientPenaltyWeight(config.gradientPenalty());
        if (generatorLoss.adversarial()) {
            RandomPatchFeatures features = new RandomPatchFeatures(config.features().withImageChannels(channels), dt);
            disc = new FrameDiscriminator(features, config.discriminator(), dt, init.split(2));
            discOptimizer = new AdamW(disc.namedParameters(), config.discLearningRate(), 0.9, 0.999, 1e-8, 0);
        } else {
            disc = null;
            discOptimizer = null;
        }
    }

    private Map<String, Tensor> studentWeights() {
        return lora != null ? lora.namedParameters() : student.namedParameters();
    }

    public McmConfig config() {
        return config;
    }

    /** The student's UNet (with LoRA: the layers hold {@code W0 + s B A} after {@link #studentDenoiser()}). */
    public VideoUNet student() {
        return student;
    }

    public LoraAdapters lora() {
        return lora;
    }

    public LearnedMotionHead head() {
        return head;
    }

    public FrameDiscriminator discriminator() {
        return disc;
    }

    /** The teacher's noise schedule (the student's). */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** What the teacher and the student predict (eps or v). */
    public PredictionType prediction() {
        return prediction;
    }

    /** The online student as a denoiser predicting what the teacher predicts, for LCM sampling (writes the adapted weights first). */
    public Denoiser studentDenoiser() {
        if (lora != null) lora.materialise();
        return Denoiser.of(prediction, student::forward);
    }

    /**
     * What the trainer optimises ({@code TrainableParameters}): the adapters ({@code lora.*}) or the student's weights
     * ({@code unet.*}), then the learned head ({@code head.*}), in this order (the gradient norm's); after the backward
     * pass the adapted layers' weight gradients become the adapters' ({@link LoraAdapters#collectGradients}).
     */
    public TrainableParameters trainableParameters() {
        return new TrainableParameters() {
            @Override
            public Map<String, Tensor> parameters() {
                return trainable;
            }

            @Override
            public void zeroGrad() {
                student.zeroGrad();
            }

            @Override
            public void afterBackward() {
                if (lora != null) lora.collectGradients();
            }
        };
    }

    /**
     * Steps 1-2 (the trainer's loss): {@code L_G = L_MCD + lambda_adv L_adv} on one batch, drawing from the step's
     * stream {@code rng} (its sub-stream 0; the frames of the discriminator from sub-stream 1).
     */
    public Tensor generatorLoss(Batch batch, Rng rng) {
        Tensor x0 = batch.videos(), cond = batch.labels();
        Rng rLoss = rng.split(0), rDisc = rng.split(1);
        // 1. L_MCD with mixed trajectories; the target network is the online student (no grad) or its EMA.
        Denoiser online = studentDenoiser();
        Denoiser target = studentEma == null ? online : emaTarget();
        MotionConsistencyDistillation.Step st = mcd.loss(online, target, Denoiser.of(prediction, teacher::eps), motion, x0, cond, teacher.nullCondition(cond), rLoss);
        // 2. Two frames per video of F_s through the discriminator: L_G = L_MCD + lambda_adv L_adv.
        int b = x0.shape(0), f = x0.shape(1), k = config.discFrames();
        Tensor fake = null, frameLabels = null, adv = null;
        if (disc != null) {
            if (batch.images() == null || batch.images().shape(0) != b * k) {
                throw new IllegalArgumentException("MCM: the discriminator needs " + b * k + " real images per step (" + k + " per clip), got " + (batch.images() == null ? "none" : Integer.toString(batch.images().shape(0))));
            }
            fake = frames(st.studentOutput(), f, k, rDisc);                                  // [B k, C, H, W]
            frameLabels = repeat(cond, k);                                                     // [B k]
            adv = disc.generatorLoss(fake, frameLabels, config.adversarialLoss());
        }
        Tensor lossG = generatorLoss.total(st.loss(), adv);
        pending = new Pending(batch, fake, frameLabels, rDisc, st.loss().item(), adv == null ? 0 : adv.item(), st.generated());
        return lossG;
    }

    /**
     * Step 3, after the trainer's AdamW step of step {@code step} (the trainer's {@code AfterStep}): the EMAs, then the
     * discriminator on the real images and the detached frames and the adaptive {@code lambda_gp}; returns the step's
     * terms ({@link #LOSS_MCD}, ...). The interpolation weights of the gradient penalty continue the sub-stream 1 that
     * {@link #generatorLoss} drew the frames from ({@code rng} is the step's stream it received).
     */
    public Map<String, Double> afterStep(long step, Rng rng) {
        Pending p = pending;
        if (p == null) throw new IllegalStateException("MCM: afterStep without generatorLoss");
        pending = null;
        if (headEma != null) {
            headEma.update(head.namedParameters());
            headEma.copyTo(headTarget.namedParameters());
        }
        if (studentEma != null) studentEma.update(studentWeights());
        // Discriminator on real images and the detached frames, then the adaptive lambda_gp.
        double lossD = 0, gp = 0, lambdaGp = gpWeight.lambda();
        if (disc != null) {
            int b = p.batch().videos().shape(0), k = config.discFrames();
            Tensor alpha = p.rDisc().uniform(p.batch().videos().dtype(), b * k);
            discOptimizer.zeroGrad();
            FrameDiscriminator.Losses l = disc.discriminatorLoss(p.batch().images(), p.fake().detach(), p.frameLabels(), alpha, config.adversarialLoss(), lambdaGp);
            lossD = l.total().item();
            gp = l.gradientPenalty().item();
            if (!Double.isFinite(lossD)) throw new IllegalStateException("MCM: the discriminator loss is " + lossD + " at step " + step);
            l.total().backward();
            discOptimizer.step();
            gpWeight.observe(step, gp);
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put(LOSS_MCD, p.lossMcd());
        terms.put(LOSS_ADV, p.lossAdv());
        terms.put(LOSS_D, lossD);
        terms.put(GRADIENT_PENALTY, gp);
        terms.put(LAMBDA_GP, lambdaGp);
        terms.put(GENERATED, p.generated() ? 1.0 : 0.0);
        return terms;
    }

    /** The EMA student as the target denoiser: its weights are swapped in for the call and back (bit for bit). */
    private Denoiser emaTarget() {
        return Denoiser.of(prediction, (x, t, c) -> {
            studentEma.swap(studentWeights());
            try {
                if (lora != null) lora.materialise();
                return student.forward(x, t, c);
            } finally {
                studentEma.swap(studentWeights());
                if (lora != null) lora.materialise();
            }
        });
    }

    /** {@code k} TSN frames of each video {@code [B, F, C, H, W]} as images {@code [B k, C, H, W]} (differentiable). */
    static Tensor frames(Tensor videos, int f, int k, Rng rng) {
        int b = videos.shape(0), c = videos.shape(2), h = videos.shape(3), w = videos.shape(4);
        List<Tensor> out = new ArrayList<>(b * k);
        for (int i = 0; i < b; i++) {
            for (int j : TsnFrameSampler.sample(f, k, rng)) out.add(videos.narrow(0, i, 1).narrow(1, j, 1).reshape(1, c, h, w));   // [1, C, H, W]
        }
        return Concat.cat(0, out.toArray(new Tensor[0]));
    }

    /** Each label repeated {@code k} times in place: {@code [B] -> [B k]}. */
    static Tensor repeat(Tensor labels, int k) {
        long[] l = labels.contiguous().longs(), out = new long[l.length * k];
        for (int i = 0; i < out.length; i++) out[i] = l[i / k];
        return Tensor.ofLongs(out, out.length);
    }

    /** The name of {@link #checkpointState()}: {@code step-N/mcm.safetensors} in the trainer's checkpoints. */
    public static final String STATE = "mcm";

    /**
     * What a resumed run needs beside the trainer's own state (the student's module weights, the AdamW moments of
     * {@link #trainableParameters()}, the step and the histories): {@code trainable.*} (the trainable tensors that are not
     * the student module's weights: the adapters {@code trainable.lora.*} and the learned head {@code trainable.head.*}),
     * {@code head_ema.*}, {@code student_ema.*} (EMA target), {@code disc.*} (heads, class embedding, spectral-norm
     * power-iteration buffers), {@code disc_optimizer.*} and {@code lambda_gp} (float64 {@code [2]}: weight, last check).
     */
    public CheckpointState checkpointState() {
        return new CheckpointState() {
            @Override
            public String name() {
                return STATE;
            }

            @Override
            public Map<String, Tensor> stateDict() {
                return McmDistillation.this.stateDict();
            }

            @Override
            public void loadStateDict(Map<String, Tensor> state) {
                McmDistillation.this.loadStateDict(state);
            }
        };
    }

    /** The trainable tensors a checkpoint's {@code model.safetensors} does not hold (adapters, head): all but {@code unet.*}. */
    private Map<String, Tensor> ownTrainable() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : trainable.entrySet()) if (!e.getKey().startsWith("unet.")) out.put(e.getKey(), e.getValue());
        return out;
    }

    private Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : ownTrainable().entrySet()) out.put("trainable." + e.getKey(), e.getValue().detach().copy());
        if (headEma != null) out.putAll(prefixed("head_ema.", headEma.stateDict()));
        if (studentEma != null) out.putAll(prefixed("student_ema.", studentEma.stateDict()));
        if (disc != null) {
            for (var e : disc.stateDict().entrySet()) out.put("disc." + e.getKey(), e.getValue().detach().copy());
            out.putAll(prefixed("disc_optimizer.", discOptimizer.stateDict()));
        }
        out.put("lambda_gp", Tensor.of(new double[] {gpWeight.lambda(), gpWeight.lastCheck()}, 2));
        return out;
    }

    /** Restores a {@link #stateDict()} of a run with the same configuration and teacher (after the student's module weights). */
    private void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> tr = part(state, "trainable."), own = ownTrainable();
        if (!tr.keySet().equals(own.keySet())) throw new IllegalArgumentException("MCM state: the trainable tensors do not fit this configuration (" + tr.size() + " saved, " + own.size() + " expected)");
        for (var e : own.entrySet()) {
            Tensor src = tr.get(e.getKey()).to(e.getValue().dtype()).contiguous();
            if (src.numel() != e.getValue().numel()) throw new IllegalArgumentException("MCM state: '" + e.getKey() + "' has " + src.numel() + " values, expected " + e.getValue().numel());
            System.arraycopy(src.storage(), 0, e.getValue().storage(), 0, src.numel());
        }
        if (headEma != null) {
            headEma.loadStateDict(part(state, "head_ema."));
            headEma.copyTo(headTarget.namedParameters());
        }
        if (studentEma != null) studentEma.loadStateDict(part(state, "student_ema."));
        if (disc != null) {
            disc.loadStateDict(part(state, "disc."));
            discOptimizer.loadStateDict(part(state, "disc_optimizer."));
        }
        Tensor gp = state.get("lambda_gp");
        if (gp == null) throw new IllegalArgumentException("MCM state: needs 'lambda_gp'");
        double[] g = gp.toDoubleArray();
        gpWeight.restore(g[0], (long) g[1]);
        if (lora != null) lora.materialise();
    }

    private static Map<String, Tensor> prefixed(String prefix, Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        return out;
    }

    private static Map<String, Tensor> part(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : state.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }
}
