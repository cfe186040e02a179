package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Batch;
import dev.vdiff.reference.data.BatchLoader;
import dev.vdiff.reference.data.DataOrder;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;
import dev.vdiff.tensor.optim.LrSchedule;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Epsilon-prediction DDPM training of a label-conditioned {@link Denoiser} (Ho et al. 2020, Algorithm 1, with
 * the class dropout of classifier-free guidance, Ho and Salimans 2022, Algorithm 1). One {@link #step()}:
 * <pre>
 *   1. x0, c  = the next B clips and labels in data order ({@link DataOrder}, {@link BatchLoader})
 *   2. c_i    = null label with probability p_uncond                           (CFG Algorithm 1, line 3)
 *   3. t_i    = TimestepSampler (uniform on 0..T-1 by default)                 (DDPM Algorithm 1, line 3)
 *   4. eps    ~ N(0, I)                                                        (line 4)
 *   5. z_t    = a_t x0 + s_t eps                                               (SPEC §1.2; DDPM eq. 4)
 *   6. loss   = mean || eps - eps_theta(z_t, t, c) ||^2                       (DDPM eq. 14, "L_simple";
 *                                                   optionally Min-SNR-gamma weighted per timestep, MinSnrWeight)
 *   7. clip the global gradient norm, AdamW step at the warmed-up learning rate, EMA update
 *   8. the methods' after-step work (none by default; {@link AfterStep})
 * </pre>
 * With {@link Objective#FLOW}, steps 5 and 6 use the rectified-flow input and velocity target instead.
 *
 * <p>Plug-in points (a paper's method sets them through a {@link TrainingSetup}; this class knows no paper):
 * <ul>
 *   <li>{@link TimestepSampler}: step 3 (default uniform; TQD's per-clip Beta law);</li>
 *   <li>{@link LossBuilder}: steps 3-6 (default the objective's L_simple; TPDiff's stage-wise loss);</li>
 *   <li>{@link DataSelection}: step 1, which clips make the batch (TQD's quality dropout by rejection, SPEC §2.3;
 *       its decisions draw from {@code root.split(SELECTION)}), {@link #withDataSelection};</li>
 *   <li>{@link SampleWeights}: per-sample weights of the loss in step 6 (TQD's loss-weight dropout),
 *       {@link #withSampleWeights};</li>
 *   <li>{@link CheckpointState}: extra state saved with every checkpoint, {@link #withExtraState};</li>
 *   <li>{@link TrainableParameters}: what step 7 optimises when it is not the module's parameters (LoRA adapters, an
 *       extra head) and how the backward pass's gradients become theirs, {@link #withTrainableParameters};</li>
 *   <li>{@link AfterStep}: work after step 7 (a discriminator's own optimizer step, EMAs of extra modules, adaptive
 *       weights) and the named values it measured, kept per step ({@link #terms()}), {@link #withAfterStep};</li>
 *   <li>{@link StepStream}: where step {@code k}'s random numbers come from, {@link #withStepStream}.</li>
 * </ul>
 *
 * <p>Randomness: everything derives from {@code Rng.seed(seed)}. Step {@code k} draws only from the stream
 * {@code root.split(STEPS).split(k)} (sub-streams for timesteps, noise and dropout), and the data order only
 * from {@code root.split(DATA)}; so the random numbers of step {@code k} do not depend on what ran before,
 * and a run resumed from a checkpoint at step {@code k} (parameters, optimizer moments, EMA, step, data
 * position: {@link Checkpoints}) continues bit for bit as if it had never stopped.
 *
 * <pre>{@code
 * Trainer tr = new Trainer(model, new SyntheticVideos(cfg), TrainConfig.defaults(),
 *                          NoiseSchedule.videoCrafter2(), TimestepSampler.uniform(1000));
 * tr.run(2000, new Checkpoints(runDir.resolve("checkpoints"), 2), r -> System.out.println(r.loss()));
 * }</pre>
 */
public final class Trainer {
    /** Stream ids under the run's root generator. */
    static final long DATA = 1, STEPS = 2;
    /** The stream under the run seed that a {@link DataSelection} may draw its decisions from ({@code Rng.seed(seed).split(SELECTION)}). */
    public static final long SELECTION = 4;
    /** The stream under the run seed that initialises the network ({@code Rng.seed(seed).split(MODEL_INIT)}). */
    public static final long MODEL_INIT = 3;
    /** Stream ids under a step's generator (a {@link LossBuilder} draws its times and noise from the first two). */
    public static final long TIMESTEPS = 0, NOISE = 1, DROPOUT = 2;

    /**
     * What one step did: its 1-based number, the loss before the update, the gradient norm before clipping, the learning
     * rate used, and the named values of the {@link AfterStep}s (empty without them).
     */
    public record StepResult(long step, double loss, double gradNorm, double lr, Map<String, Double> terms) {
        public StepResult {
            terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
        }

        /** A step without named values. */
        public StepResult(long step, double loss, double gradNorm, double lr) {
            this(step, loss, gradNorm, lr, Map.of());
        }
    }

    /**
     * The random stream of step {@code k} under the run's root generator {@code Rng.seed(seed)}. The default is
     * {@code root.split(STEPS).split(k)}; a method ported from a loop of its own keeps that loop's streams (so its
     * earlier runs continue bit for bit). It must be a pure function of {@code (root, k)}.
     */
    @FunctionalInterface
    public interface StepStream {
        Rng of(Rng root, long step);

        StepStream DEFAULT = (root, k) -> root.split(STEPS).split(k);
    }

    /**
     * Steps 3-6 of one training step: from the batch's clean videos and (dropped-out) labels to the loss to
     * minimise. The default ({@code null} in the constructor) is the {@link Objective} path of the class comment;
     * TPDiff's stage-wise training (SPEC §5.3-5.5c) is another. It must draw random numbers only from
     * {@code step}'s sub-streams {@link #TIMESTEPS} and {@link #NOISE}, so that a resumed run replays it.
     */
    @FunctionalInterface
    public interface LossBuilder {
        /**
         * @param model the network being trained
         * @param batch the batch (clips, labels, indices)
         * @param x0 the clean videos {@code [B, F, C, H, W]} in the model's dtype
         * @param y the labels after class dropout, int64 {@code [B]}
         * @param step this step's random stream
         * @return a scalar loss, differentiable in the model's parameters
         */
        Tensor loss(Denoiser model, Batch batch, Tensor x0, Tensor y, Rng step);
    }

    /** Called after every step. */
    @FunctionalInterface
    public interface Listener {
        void onStep(StepResult r);
    }

    private final Denoiser model;
    private final TrainConfig cfg;
    private final NoiseSchedule schedule;
    private final TimestepSampler sampler;
    private final Objective objective;
    private final LossBuilder lossBuilder;
    private final boolean customLoss;
    private final Rng root;
    private final DataOrder order;
    private final BatchLoader loader;
    private Map<String, Tensor> params;
    private AdamW optimizer;
    private Ema ema;
    private final LrSchedule lrSchedule;
    private DataSelection selection = DataSelection.IN_ORDER;
    private SampleWeights sampleWeights;
    private final List<CheckpointState> extraState = new ArrayList<>();
    private TrainableParameters trainable;                 // null: the module's parameters
    private final List<AfterStep> afterSteps = new ArrayList<>();
    private StepStream stepStream = StepStream.DEFAULT;

    private long step;
    private long position;
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> gradNorms = new ArrayList<>();
    private final Map<String, List<Double>> terms = new LinkedHashMap<>();
    private double elapsedSeconds;

    /**
     * A fresh run at step 0. The training set is data-set indices {@code 0 .. min(trainClips, data.size())-1}.
     */
    public Trainer(Denoiser model, VideoDataset data, TrainConfig cfg, NoiseSchedule schedule, TimestepSampler sampler) {
        this(model, data, cfg, Objective.EPSILON, schedule, sampler);
    }

    /** A fresh run with the given objective (epsilon prediction or rectified flow). */
    public Trainer(Denoiser model, VideoDataset data, TrainConfig cfg, Objective objective, NoiseSchedule schedule, TimestepSampler sampler) {
        this(model, data, cfg, objective, schedule, sampler, null);
    }

    /**
     * A fresh run whose loss comes from {@code lossBuilder} (null: the objective's, with {@code sampler}'s
     * timesteps); {@code objective} still says what the network predicts, for sampling.
     */
    public Trainer(Denoiser model, VideoDataset data, TrainConfig cfg, Objective objective, NoiseSchedule schedule, TimestepSampler sampler,
                   LossBuilder lossBuilder) {
        this.model = model;
        this.objective = objective;
        this.lossBuilder = lossBuilder != null ? lossBuilder : this::objectiveLoss;
        this.customLoss = lossBuilder != null;
        this.cfg = cfg;
        this.schedule = schedule;
        this.sampler = sampler;
        this.root = Rng.seed(cfg.seed());
        int n = (int) Math.min(cfg.trainClips(), data.size());
        if (n < 1) throw new IllegalArgumentException("the training data set is empty");
        this.order = new DataOrder(n, root.split(DATA));
        this.loader = new BatchLoader(data, order, cfg.batchSize(), 512L << 20);
        this.params = model.module().namedParameters();
        this.optimizer = new AdamW(params, cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay());
        this.ema = new Ema(params, cfg.emaDecay());
        this.lrSchedule = cfg.schedule();
        if (cfg.minSnrGamma() > 0 && lossBuilder != null) throw new IllegalArgumentException("min-SNR weighting applies to the objective's loss, not to a method's own loss");
        if (cfg.minSnrGamma() > 0) MinSnrWeight.weight(1, objective, cfg.minSnrGamma());   // refuses the flow objective now, not at the first step
    }

    /**
     * Replaces how batches are chosen (default {@link DataSelection#IN_ORDER}). Call before the first step and
     * before {@link Checkpoints#load}; returns this trainer.
     */
    public Trainer withDataSelection(DataSelection s) {
        if (step != 0) throw new IllegalStateException("Trainer: the data selection must be set before the first step");
        this.selection = java.util.Objects.requireNonNull(s, "selection");
        return this;
    }

    /** Weights each sample's loss ({@link SampleWeights}; default: none, the plain mean). Call before the first step. */
    public Trainer withSampleWeights(SampleWeights w) {
        if (step != 0) throw new IllegalStateException("Trainer: sample weights must be set before the first step");
        if (customLoss && w != null) throw new IllegalStateException("Trainer: sample weights apply to the objective's loss, not to a custom LossBuilder");
        this.sampleWeights = w;
        return this;
    }

    /** Saves {@code s} with every checkpoint and restores it on resume ({@link CheckpointState}). Call before the first step. */
    public Trainer withExtraState(CheckpointState s) {
        if (step != 0) throw new IllegalStateException("Trainer: extra state must be added before the first step");
        for (CheckpointState o : extraState) {
            if (o.name().equals(s.name())) throw new IllegalArgumentException("Trainer: two extra states named '" + s.name() + "'");
        }
        extraState.add(s);
        return this;
    }

    /**
     * Optimises {@code p.parameters()} instead of the module's parameters ({@link TrainableParameters}): the optimizer
     * and the EMA are made anew over them. Call before the first step and before {@link Checkpoints#load}.
     */
    public Trainer withTrainableParameters(TrainableParameters p) {
        if (step != 0) throw new IllegalStateException("Trainer: the trainable parameters must be set before the first step");
        this.trainable = java.util.Objects.requireNonNull(p, "trainable parameters");
        this.params = new LinkedHashMap<>(p.parameters());
        if (params.isEmpty()) throw new IllegalArgumentException("Trainer: no trainable parameters");
        this.optimizer = new AdamW(params, cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay());
        this.ema = new Ema(params, cfg.emaDecay());
        return this;
    }

    /** Runs {@code a} after every optimizer step, in the order added ({@link AfterStep}). Call before the first step. */
    public Trainer withAfterStep(AfterStep a) {
        if (step != 0) throw new IllegalStateException("Trainer: after-step work must be added before the first step");
        afterSteps.add(java.util.Objects.requireNonNull(a, "after step"));
        return this;
    }

    /** Draws step {@code k}'s random numbers from {@code s.of(root, k)} ({@link StepStream}). Call before the first step. */
    public Trainer withStepStream(StepStream s) {
        if (step != 0) throw new IllegalStateException("Trainer: the step stream must be set before the first step");
        this.stepStream = java.util.Objects.requireNonNull(s, "step stream");
        return this;
    }

    /** The extra state saved with every checkpoint, in the order added. */
    public List<CheckpointState> extraState() {
        return Collections.unmodifiableList(extraState);
    }

    /** One optimisation step (see the class comment); returns what it did. */
    public StepResult step() {
        long t0 = System.nanoTime();
        Rng r = stepStream.of(root, step);
        DType dtype = model.module().dtype();

        // 1. The batch in data order.
        DataSelection.Selected chosen = selection.next(order, position, cfg.batchSize());
        Batch batch = loader.load(chosen.indices(), position);
        Tensor x0 = batch.video().to(dtype);
        int b = batch.size();
        // 2. Labels, with class dropout to the null label (unlabelled clips always get the null label); or, for a
        //    caption-conditioned network, caption ids with the same dropout to the empty caption.
        Tensor y = model.tokenizer() != null ? captionConditioning(batch, r.split(DROPOUT)) : conditioning(batch.labels(), r.split(DROPOUT));
        // 3.-6. The loss (by default: timesteps, noise, z_t, L_simple).
        double lr = lrSchedule.lr(cfg.lr(), step);
        optimizer.setLr(lr);
        optimizer.zeroGrad();
        if (trainable != null) trainable.zeroGrad();
        Tensor loss = lossBuilder.loss(model, batch, x0, y, r);
        double value = loss.item();
        if (!Double.isFinite(value)) throw new TrainingDivergedException(step + 1, value, lr);
        loss.backward();
        if (trainable != null) trainable.afterBackward();
        // 7. Clip, update, average.
        double norm = cfg.gradClip() > 0 ? GradClip.clipGradNorm(params.values(), cfg.gradClip()) : GradClip.gradNorm(params.values());
        optimizer.step();
        optimizer.zeroGrad();
        ema.update(params);
        // 8. The methods' work after the update (AfterStep), and what it measured.
        Map<String, Double> measured = new LinkedHashMap<>();
        for (AfterStep a : afterSteps) {
            for (var e : a.afterStep(step, r).entrySet()) {
                if (measured.put(e.getKey(), e.getValue()) != null) throw new IllegalStateException("Trainer: two after-step values named '" + e.getKey() + "'");
            }
        }
        if (!losses.isEmpty() && !measured.keySet().equals(terms.keySet())) {
            throw new IllegalStateException("Trainer: step " + (step + 1) + " measured " + measured.keySet() + ", earlier steps " + terms.keySet());
        }

        step++;
        position = chosen.nextPosition();
        losses.add(value);
        gradNorms.add(norm);
        for (var e : measured.entrySet()) terms.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        elapsedSeconds += (System.nanoTime() - t0) * 1e-9;
        return new StepResult(step, value, norm, lr, measured);
    }

    /** Steps 3-6 with the {@link Objective}: timesteps, noise, the noisy input and L_simple (the class comment). */
    private Tensor objectiveLoss(Denoiser net, Batch batch, Tensor x0, Tensor y, Rng r) {
        // 3. Timesteps.
        Tensor t = sampler.sample(batch, r.split(TIMESTEPS));
        checkTimesteps(t, batch.size());
        // 4.-5. Noise and the noisy input z_t = a_t x0 + s_t eps, per-sample coefficients (or the flow pair).
        Tensor eps = r.split(NOISE).normal(x0.dtype(), x0.shape());
        Objective.Example ex = objective.example(x0, eps, t, schedule);
        // 6. L_simple (per-sample weighted with SampleWeights).
        Tensor prediction = net.forward(ex.input(), ex.modelTimesteps(), y);
        double[] w = sampleWeights == null ? null : sampleWeights.of(batch);
        if (cfg.minSnrGamma() > 0) {
            // Min-SNR-gamma (MinSnrWeight): the low-noise timesteps' weight capped, times any per-sample weight.
            double[] snrW = MinSnrWeight.of(t.contiguous().longs(), schedule, objective, cfg.minSnrGamma());
            if (w == null) w = snrW;
            else for (int i = 0; i < w.length; i++) w[i] *= snrW[i];
        }
        return w == null ? Losses.mse(prediction, ex.target()) : WeightedMse.of(prediction, ex.target(), w);
    }

    /** Runs steps until {@code until} steps are done, checkpointing as configured (when {@code checkpoints} is not null). */
    public void run(long until, Checkpoints checkpoints, Listener listener) throws java.io.IOException {
        run(until, checkpoints, listener, () -> false);
    }

    /**
     * As {@link #run(long, Checkpoints, Listener)}, but stops early after the first step at which {@code stop}
     * says so (a time budget); the last step reached is checkpointed either way.
     */
    public void run(long until, Checkpoints checkpoints, Listener listener, java.util.function.BooleanSupplier stop) throws java.io.IOException {
        long lastSaved = -1;
        while (step < until && (step == 0 || !stop.getAsBoolean())) {
            StepResult res = step();
            if (listener != null) listener.onStep(res);
            if (checkpoints != null && cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0) {
                checkpoints.save(this);
                lastSaved = step;
            }
        }
        if (checkpoints != null && lastSaved != step) checkpoints.save(this);
    }

    /**
     * The caption ids each sample is trained with: its caption, or the empty caption (the null condition of
     * classifier-free guidance) with probability p_uncond (CFG Algorithm 1, line 3, with captions as in VideoCrafter2).
     */
    private Tensor captionConditioning(Batch batch, Rng dropout) {
        int b = batch.size();
        double[] u = dropout.uniform(DType.FLOAT64, b).doubles();
        List<String> captions = new ArrayList<>(b);
        for (int i = 0; i < b; i++) captions.add(u[i] < cfg.classDropout() ? "" : batch.clips().get(i).caption());
        return model.tokenizer().encodeBatch(captions);   // [B, L]
    }

    /** The label each sample is trained with: its own, or the null label (dropout, no label, or an unconditional network). */
    private Tensor conditioning(Tensor labels, Rng dropout) {
        long[] raw = labels.contiguous().longs();
        long[] y = new long[raw.length];
        double[] u = dropout.uniform(DType.FLOAT64, raw.length).doubles();
        int nul = model.nullLabel();
        if (nul == 0) return Tensor.ofLongs(y, y.length);   // unconditional: every label is the null label 0
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] >= nul) throw new IllegalArgumentException("clip label " + raw[i] + " is outside the model's " + nul + " classes");
            y[i] = raw[i] < 0 || u[i] < cfg.classDropout() ? nul : raw[i];
        }
        return Tensor.ofLongs(y, y.length);
    }

    private void checkTimesteps(Tensor t, int b) {
        if (t.dtype() != DType.INT64 || t.rank() != 1 || t.shape(0) != b) {
            throw new IllegalStateException("timestep sampler returned " + t.dtype() + Shape.str(t.shape()) + ", expected int64 [" + b + "]");
        }
        for (long v : t.contiguous().longs()) {
            if (v < 0 || v >= schedule.numTrainTimesteps()) throw new IllegalStateException("timestep sampler returned t = " + v + " outside 0.." + (schedule.numTrainTimesteps() - 1));
        }
    }

    // ---------------------------------------------------------------- state (for Checkpoints and reports)

    public long stepsDone() {
        return step;
    }

    /** Clips consumed so far (the data position). */
    public long dataPosition() {
        return position;
    }

    public long epoch() {
        return order.epoch(position);
    }

    /** The loss of every step so far (index k = step k+1), including steps before a resume. */
    public List<Double> losses() {
        return Collections.unmodifiableList(losses);
    }

    public List<Double> gradNorms() {
        return Collections.unmodifiableList(gradNorms);
    }

    /** The {@link AfterStep} values of every step so far by name (index k = step k+1), including steps before a resume. */
    public Map<String, List<Double>> terms() {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (var e : terms.entrySet()) out.put(e.getKey(), Collections.unmodifiableList(e.getValue()));
        return Collections.unmodifiableMap(out);
    }

    /** Seconds spent in {@link #step()}, summed over this run and the runs it resumed. */
    public double elapsedSeconds() {
        return elapsedSeconds;
    }

    public TrainConfig config() {
        return cfg;
    }

    public Denoiser model() {
        return model;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public Ema ema() {
        return ema;
    }

    public Rng rng() {
        return root;
    }

    public Objective objective() {
        return objective;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** Restores the counters and histories (parameters, moments and EMA are loaded by {@link Checkpoints}). */
    void restore(long step, long position, List<Double> losses, List<Double> gradNorms, Map<String, List<Double>> terms, double elapsedSeconds) {
        if (losses.size() != step || gradNorms.size() != step) {
            throw new IllegalArgumentException("checkpoint at step " + step + " holds " + losses.size() + " losses and " + gradNorms.size() + " gradient norms");
        }
        for (var e : terms.entrySet()) {
            if (e.getValue().size() != step) throw new IllegalArgumentException("checkpoint at step " + step + " holds " + e.getValue().size() + " values of '" + e.getKey() + "'");
        }
        this.terms.clear();
        for (var e : terms.entrySet()) this.terms.put(e.getKey(), new ArrayList<>(e.getValue()));
        this.step = step;
        this.position = position;
        this.losses.clear();
        this.losses.addAll(losses);
        this.gradNorms.clear();
        this.gradNorms.addAll(gradNorms);
        this.elapsedSeconds = elapsedSeconds;
    }

    /** Runs {@code body} with the EMA weights in the model, then puts the trained weights back. */
    public <T> T withEmaWeights(java.util.function.Supplier<T> body) {
        ema.swap(params);
        try {
            return body.get();
        } finally {
            ema.swap(params);
        }
    }
}
