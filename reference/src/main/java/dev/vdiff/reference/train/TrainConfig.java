package dev.vdiff.reference.train;

import dev.vdiff.tensor.optim.LrSchedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimisation settings of a training run (what the model and the data are is decided elsewhere).
 * {@link #defaults()} is the one source of the defaults: {@code vdiff train}'s options default to its values
 * ({@code --help} shows them). Build variants with the withers, one named field at a time:
 *
 * <pre>{@code
 * TrainConfig c = TrainConfig.defaults().withSteps(500).withBatchSize(4).withWarmupSteps(30).withEmaDecay(0.99);
 * }</pre>
 *
 * @param steps           optimizer steps in total (default 2000)
 * @param batchSize       clips per step (default 8)
 * @param lr              peak AdamW learning rate (default 1e-3: the small pixel-space UNets of this project
 *                        train well with it; large latent models use about 1e-4)
 * @param warmupSteps     linear warm-up from 0 to {@code lr} over this many steps, then {@link #lrSchedule} (default 100;
 *                        diffusers' {@code constant_with_warmup})
 * @param weightDecay     AdamW decoupled weight decay (default 0: none)
 * @param gradClip        clip the global gradient L2 norm to this; 0 = off (default 1.0)
 * @param emaDecay        decay of the parameter EMA used for sampling (default 0.995: an average over about the
 *                        last 200 steps, suited to runs of a few thousand steps)
 * @param classDropout    probability that a clip's label is replaced by the null label, so the same network
 *                        learns the unconditional prediction for classifier-free guidance (Ho and Salimans
 *                        2022, Algorithm 1; default 0.1)
 * @param seed            everything random in the run derives from this (default 0)
 * @param trainClips      size of the training set: data-set indices {@code 0 .. trainClips-1} (default 4096)
 * @param checkpointEvery write a checkpoint every this many steps, and always at the end; 0 = only at the end
 *                        (default 500)
 * @param keepCheckpoints how many of the newest checkpoints to keep (default 2)
 * @param minSnrGamma     0 (default): the plain mean squared error; else each sample's loss weighted by a
 *                        truncated-SNR weight with this gamma ({@link MinSnrWeight}, after Hang et al. 2023,
 *                        "Efficient Diffusion Training via Min-SNR Weighting Strategy"); {@code vdiff train --min-snr-gamma}
 * @param lrSchedule      the learning-rate factor after the warm-up (diffusers' scheduler names, {@link LrSchedule#byName}):
 *                        {@code constant_with_warmup} (default: constant), {@code linear} or {@code cosine} (decay to 0 at step
 *                        {@link #steps}: a resumed run given more steps stretches the decay from that step on); run.json {@code train.lr_schedule}
 */
public record TrainConfig(long steps, int batchSize, double lr, long warmupSteps, double weightDecay, double gradClip,
                          double emaDecay, double classDropout, long seed, int trainClips, long checkpointEvery,
                          int keepCheckpoints, double minSnrGamma, String lrSchedule) {
    public TrainConfig {
        List<String> e = new ArrayList<>();
        if (steps < 1) e.add("steps must be >= 1, got " + steps);
        if (batchSize < 1) e.add("batch size must be >= 1, got " + batchSize);
        if (!(lr > 0) || !Double.isFinite(lr)) e.add("learning rate must be > 0, got " + lr);
        if (warmupSteps < 0) e.add("warm-up steps must be >= 0, got " + warmupSteps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) e.add("weight decay must be >= 0, got " + weightDecay);
        if (!(gradClip >= 0) || !Double.isFinite(gradClip)) e.add("gradient clip must be >= 0 (0 = off), got " + gradClip);
        if (!(emaDecay >= 0 && emaDecay < 1)) e.add("EMA decay must be in [0, 1), got " + emaDecay);
        if (!(classDropout >= 0 && classDropout <= 1)) e.add("class dropout must be in [0, 1], got " + classDropout);
        if (trainClips < 1) e.add("training clips must be >= 1, got " + trainClips);
        if (checkpointEvery < 0) e.add("checkpoint interval must be >= 0 (0 = only at the end), got " + checkpointEvery);
        if (keepCheckpoints < 1) e.add("checkpoints to keep must be >= 1, got " + keepCheckpoints);
        if (!(minSnrGamma >= 0) || Double.isInfinite(minSnrGamma)) e.add("min-SNR gamma must be >= 0 (0 = off), got " + minSnrGamma);
        if (lrSchedule == null || !LR_SCHEDULES.contains(lrSchedule)) e.add("learning-rate schedule must be one of " + LR_SCHEDULES + ", got " + lrSchedule);
        if (!e.isEmpty()) throw new IllegalArgumentException("invalid training settings: " + String.join("; ", e));
    }

    /** The settings without min-SNR weighting (the positional form older callers use; prefer {@link #defaults()} and the withers). */
    public TrainConfig(long steps, int batchSize, double lr, long warmupSteps, double weightDecay, double gradClip, double emaDecay, double classDropout,
                       long seed, int trainClips, long checkpointEvery, int keepCheckpoints) {
        this(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, 0.0, DEFAULT_LR_SCHEDULE);
    }

    /** The default of each field (compile-time constants, so that {@code vdiff train}'s option annotations can use them). */
    public static final long DEFAULT_STEPS = 2000, DEFAULT_WARMUP_STEPS = 100, DEFAULT_SEED = 0, DEFAULT_CHECKPOINT_EVERY = 500;
    public static final int DEFAULT_BATCH_SIZE = 8, DEFAULT_TRAIN_CLIPS = 4096, DEFAULT_KEEP_CHECKPOINTS = 2;
    /** Warm-up then constant (diffusers' {@code constant_with_warmup}), the schedule of every run before the option. */
    public static final String DEFAULT_LR_SCHEDULE = "constant_with_warmup";
    /** The names {@link LrSchedule#byName} knows: warm-up then constant, or warm-up then a linear or half-cosine decay to 0 at the last step. */
    public static final List<String> LR_SCHEDULES = List.of("constant_with_warmup", "linear", "cosine");
    public static final double DEFAULT_LR = 1e-3, DEFAULT_WEIGHT_DECAY = 0.0, DEFAULT_GRAD_CLIP = 1.0, DEFAULT_EMA_DECAY = 0.995,
        DEFAULT_CLASS_DROPOUT = 0.1;

    /** The defaults of the field list above, and of {@code vdiff train}. */
    public static TrainConfig defaults() {
        return new TrainConfig(DEFAULT_STEPS, DEFAULT_BATCH_SIZE, DEFAULT_LR, DEFAULT_WARMUP_STEPS, DEFAULT_WEIGHT_DECAY, DEFAULT_GRAD_CLIP,
            DEFAULT_EMA_DECAY, DEFAULT_CLASS_DROPOUT, DEFAULT_SEED, DEFAULT_TRAIN_CLIPS, DEFAULT_CHECKPOINT_EVERY, DEFAULT_KEEP_CHECKPOINTS, 0.0,
            DEFAULT_LR_SCHEDULE);
    }

    /** This configuration with the learning-rate schedule {@code name} (one of {@link #LR_SCHEDULES}). */
    public TrainConfig withLrSchedule(String name) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, name);
    }

    /** The learning-rate factor at each step ({@link #lrSchedule}, over {@link #steps} steps with {@link #warmupSteps} warm-up). */
    public LrSchedule schedule() {
        return LrSchedule.byName(lrSchedule, warmupSteps, steps);
    }

    public TrainConfig withMinSnrGamma(double gamma) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, gamma, lrSchedule);
    }

    public TrainConfig withLr(double l) {
        return new TrainConfig(steps, batchSize, l, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withWarmupSteps(long w) {
        return new TrainConfig(steps, batchSize, lr, w, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withWeightDecay(double wd) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, wd, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withGradClip(double clip) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, clip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withEmaDecay(double ema) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, ema, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withClassDropout(double p) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, p, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withCheckpointEvery(long every) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, every, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withKeepCheckpoints(int keep) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keep, minSnrGamma, lrSchedule);
    }

    public TrainConfig withSteps(long s) {
        return new TrainConfig(s, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(steps, b, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, s, trainClips, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    public TrainConfig withTrainClips(int n) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, weightDecay, gradClip, emaDecay, classDropout, seed, n, checkpointEvery, keepCheckpoints, minSnrGamma, lrSchedule);
    }

    /** As a JSON object (snake_case keys, the names of the checkpoint's {@code state.json}). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch_size", batchSize);
        m.put("lr", lr);
        m.put("warmup_steps", warmupSteps);
        m.put("weight_decay", weightDecay);
        m.put("grad_clip", gradClip);
        m.put("ema_decay", emaDecay);
        m.put("class_dropout", classDropout);
        m.put("seed", seed);
        m.put("train_clips", trainClips);
        m.put("checkpoint_every", checkpointEvery);
        m.put("keep_checkpoints", keepCheckpoints);
        if (minSnrGamma > 0) m.put("min_snr_gamma", minSnrGamma);   // absent: off (runs written before the option)
        if (!lrSchedule.equals(DEFAULT_LR_SCHEDULE)) m.put("lr_schedule", lrSchedule);   // absent: warm-up then constant (runs written before the option)
        return m;
    }

    /** Reads {@link #toJson()}'s form; a missing or mistyped key is an error naming it. */
    public static TrainConfig fromJson(Map<?, ?> m) {
        return new TrainConfig(JsonFields.longOf(m, "steps"), (int) JsonFields.longOf(m, "batch_size"), JsonFields.doubleOf(m, "lr"),
            JsonFields.longOf(m, "warmup_steps"), JsonFields.doubleOf(m, "weight_decay"), JsonFields.doubleOf(m, "grad_clip"),
            JsonFields.doubleOf(m, "ema_decay"), JsonFields.doubleOf(m, "class_dropout"), JsonFields.longOf(m, "seed"),
            (int) JsonFields.longOf(m, "train_clips"), JsonFields.longOf(m, "checkpoint_every"), (int) JsonFields.longOf(m, "keep_checkpoints"),
            m.containsKey("min_snr_gamma") ? JsonFields.doubleOf(m, "min_snr_gamma") : 0.0,
            m.containsKey("lr_schedule") ? JsonFields.stringOf(m, "lr_schedule") : DEFAULT_LR_SCHEDULE);
    }
}
