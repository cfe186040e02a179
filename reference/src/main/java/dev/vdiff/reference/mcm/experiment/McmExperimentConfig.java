package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.reference.mcm.McmConfig;
import dev.vdiff.reference.mcm.MotionConsistencyDistillation;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.ScheduleSpec;
import dev.vdiff.reference.train.TrainConfig;

import java.util.List;

/**
 * What {@code vdiff experiment mcm} runs: a teacher trained on degraded clips, then several students distilled from it
 * with the same seed, data and steps (plain LCM, MCM, and MCM with one part taken away), sampled at 1/2/4/8 steps.
 *
 * @param frames, height, width, classes the clips (one colour per class, flat background)
 * @param minSpeed, maxSpeed             motion in pixels per frame
 * @param degradation                    what makes the teacher's videos low quality
 * @param model                          the teacher's (and students') video UNet
 * @param teacherTrain                   the teacher's training (eps objective, scaled-linear schedule)
 * @param teacherSteps, teacherGuidance  the teacher's reference samples: DDIM steps and CFG scale (Imagen form)
 * @param distillSteps, batch            optimizer steps and clips per step of every student
 * @param omegaMin, omegaMax             omega ~ U[omegaMin, omegaMax] of the distillation (LCM form; the teacher's
 *                                       guidance {@code teacherGuidance = 1 + omega} lies inside)
 * @param arms                           the students, compared side by side
 * @param samplingSteps                  student sampling steps (LCM multistep, SPEC §4.5: 1, 2, 4, 8)
 * @param perClass                       generated videos per class and per setting
 * @param imagePool                      clean clips rendered as the high-quality image set (2 frames of each used)
 * @param referenceClips                 clean held-out clips defining the sample-quality distance
 * @param shownPerClass                  videos per class in the GIFs
 * @param seed                           every random draw
 * @param teacherObjective, teacherNoise what the teacher predicts and its training schedule ({@link TeacherKind}): eps on
 *                                       SPEC §1.1's schedule (the paper's and the first runs' teacher) or v on the schedule
 *                                       rescaled to zero terminal SNR (Lin et al. 2024; the demo's recipe, docs/demo/RECIPE.md);
 *                                       the students are copies of its UNet, so they predict the same
 * @param teacherEtas                    the teacher's reference samples, one row per DDIM eta (Song et al. 2021, eq. 16;
 *                                       SPEC §1.3): the first is the goals' teacher; eta 0 is the paper's baseline
 */
public record McmExperimentConfig(int frames, int height, int width, int classes, double minSpeed, double maxSpeed, QualityVideos.Degradation degradation,
                                  ModelSpec model, TrainConfig teacherTrain, int teacherSteps, double teacherGuidance, long distillSteps, int batch,
                                  double omegaMin, double omegaMax, double learningRate, List<Arm> arms, int[] samplingSteps, int perClass,
                                  int imagePool, int referenceClips, int shownPerClass, long seed, Objective teacherObjective, ScheduleSpec teacherNoise,
                                  double[] teacherEtas) {

    /**
     * The experiment's teacher kinds, a named option ({@code vdiff experiment mcm --teacher eps|v-zero-snr}).
     * {@link #EPS}: eps prediction on SPEC §1.1's schedule (alpha_bar_999 = 0.0047), the MCM paper's teacher kind;
     * {@link #V_ZERO_SNR}: v prediction (SPEC §1.2; Salimans and Ho 2022) on the schedule rescaled to zero terminal SNR
     * (Lin et al. 2024, Algorithm 1, which needs v, §3.2), so that the teacher must choose each clip's colours from nothing
     * at t = 999 instead of reading them from the starting noise frame by frame.
     *
     * <p>The default is {@link #EPS}: at this scale the v teacher samples clean, coherent videos even with deterministic
     * DDIM, but its LCM students (LoRA, AdamW 1e-3, online target) collapse between 150 and 300 distillation steps to
     * an x0 estimate far from the data at t = 259..759, and sample noise at 2-8 steps (docs/experiments/mcm.md).
     */
    public enum TeacherKind {
        EPS("eps", Objective.EPSILON, ScheduleSpec.VC2),
        V_ZERO_SNR("v-zero-snr", Objective.V, ScheduleSpec.ZERO_TERMINAL_SNR);

        public final String optionName;
        public final Objective objective;
        public final ScheduleSpec noise;

        TeacherKind(String optionName, Objective objective, ScheduleSpec noise) {
            this.optionName = optionName;
            this.objective = objective;
            this.noise = noise;
        }

        public static TeacherKind parse(String s) {
            for (TeacherKind k : values()) if (k.optionName.equals(s)) return k;
            throw new IllegalArgumentException("--teacher must be eps or v-zero-snr, got '" + s + "'");
        }
    }

    public McmExperimentConfig {
        teacherNoise.check(teacherObjective);
        if (teacherEtas.length == 0) throw new IllegalArgumentException("the teacher needs at least one sampling eta");
        for (double e : teacherEtas) if (!(e >= 0 && e <= 1)) throw new IllegalArgumentException("--teacher-eta: DDIM eta must be in [0, 1], got " + e);
        teacherEtas = teacherEtas.clone();
    }

    /** This experiment with another teacher kind (objective and schedule). */
    public McmExperimentConfig withTeacher(TeacherKind k) {
        return new McmExperimentConfig(frames, height, width, classes, minSpeed, maxSpeed, degradation, model, teacherTrain, teacherSteps, teacherGuidance, distillSteps,
            batch, omegaMin, omegaMax, learningRate, arms, samplingSteps, perClass, imagePool, referenceClips, shownPerClass, seed, k.objective, k.noise, teacherEtas);
    }

    /** This experiment with the teacher's reference samples at these DDIM etas (the first is the goals' teacher). */
    public McmExperimentConfig withTeacherEtas(double... etas) {
        return new McmExperimentConfig(frames, height, width, classes, minSpeed, maxSpeed, degradation, model, teacherTrain, teacherSteps, teacherGuidance, distillSteps,
            batch, omegaMin, omegaMax, learningRate, arms, samplingSteps, perClass, imagePool, referenceClips, shownPerClass, seed, teacherObjective, teacherNoise, etas);
    }

    /**
     * This experiment with the teacher's learning-rate schedule after the warm-up (diffusers' names,
     * {@link TrainConfig#LR_SCHEDULES}: {@code constant_with_warmup}, the default, {@code linear} or {@code cosine} decay to 0
     * at the teacher's last step); the students' rate stays constant.
     */
    public McmExperimentConfig withTeacherLrSchedule(String name) {
        TrainConfig t;
        try {
            t = teacherTrain.withLrSchedule(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--teacher-lr-schedule must be one of " + TrainConfig.LR_SCHEDULES + ", got '" + name + "'");
        }
        return new McmExperimentConfig(frames, height, width, classes, minSpeed, maxSpeed, degradation, model, t, teacherSteps, teacherGuidance, distillSteps,
            batch, omegaMin, omegaMax, learningRate, arms, samplingSteps, perClass, imagePool, referenceClips, shownPerClass, seed, teacherObjective, teacherNoise, teacherEtas);
    }

    /** One student: a name for files and tables, what it is, its configuration. */
    public record Arm(String name, String description, McmConfig config) {}

    /**
     * The teacher's network: an eps-predicting UNet on pixels, <b>unpatched</b> ({@code patch 1}). With 2x2 patches
     * (space-to-depth, {@code vdiff train}'s default) an eps teacher samples a period-2 checkerboard at this scale
     * (docs/experiments/turbo.md: the same run with patch 1 samples the shapes on flat backgrounds), and MCM's student
     * is a copy of the teacher's UNet, so a patched teacher is refused by {@code vdiff distill --method mcm} too.
     */
    static ModelSpec teacherModel(int frames, int ch0, int ch1, int groups, int tDim, int embDim) {
        return ModelSpec.defaults().withFrames(frames).withChannels(3).withPatch(1).withCh0(ch0).withCh1(ch1).withHeads(2).withGroups(groups).withClasses(3)
            .withTDim(tDim).withEmbDim(embDim).withTemporal0(false);
    }

    /** Under 10 minutes on 2 shared cores: 8 frames of 16x16, 3 classes, teacher 800 steps, 5 students of 150 steps. */
    public static McmExperimentConfig quick(long seed) {
        return of(8, 16, teacherModel(8, 16, 32, 8, 32, 64), trainConfig(800, 4, seed), 20, 150, 2, 3, seed);
    }

    /** The full run: the same sizes, teacher 3000 steps, 5 students of 600 steps, more samples. */
    public static McmExperimentConfig full(long seed) {
        return of(8, 16, teacherModel(8, 16, 32, 8, 32, 64), trainConfig(3000, 4, seed), 30, 600, 2, 8, seed);
    }

    /** Seconds, for tests: 4 frames of 8x8, a tiny UNet, a few steps, 2 students. */
    public static McmExperimentConfig toy(long seed) {
        McmExperimentConfig c = of(4, 8, teacherModel(4, 8, 16, 4, 8, 16), trainConfig(4, 2, seed), 3, 2, 2, 1, seed);
        return new McmExperimentConfig(c.frames, c.height, c.width, c.classes, c.minSpeed, c.maxSpeed, c.degradation, c.model, c.teacherTrain, c.teacherSteps,
            c.teacherGuidance, c.distillSteps, c.batch, c.omegaMin, c.omegaMax, c.learningRate, c.arms.subList(0, 2), new int[] {1, 2}, c.perClass, 12, 4, 1, c.seed,
            c.teacherObjective, c.teacherNoise, c.teacherEtas);
    }

    private static TrainConfig trainConfig(long steps, int batch, long seed) {
        return new TrainConfig(steps, batch, 2e-3, Math.min(50, steps / 4), 0.0, 1.0, 0.99, 0.1, seed, 1024, 0, 1);
    }

    private static McmExperimentConfig of(int frames, int size, ModelSpec model, TrainConfig teacher, int teacherSteps, long distillSteps, int batch,
                                          int perClass, long seed) {
        int classes = model.classes();
        double omegaMin = 2, omegaMax = 6, lr = 1e-3, discLr = 2e-4;   // toy scale: LoRA rank 8 needs a larger rate than the released 5e-6
        McmConfig mcm = McmConfig.mcm(seed, classes).withMcd(new MotionConsistencyDistillation.Config(50, omegaMin, omegaMax, 0.001,
            dev.vdiff.diffusion.LcmBoundary.MCM, 0.5)).withLearningRates(lr, discLr);
        List<Arm> arms = List.of(
            new Arm("lcm", "plain LCM: raw representation, no discriminator, real trajectories only", McmConfig.lcm(seed, classes).withMcd(mcm.mcd()).withPGen(0).withLearningRates(lr, discLr)),
            new Arm("mcm", "MCM: learned head, frame discriminator (clipped WGAN + GP), mixed trajectories p_gen 0.5", mcm),
            new Arm("mcm_no_disc", "MCM without the discriminator (lambda_adv 0)", mcm.withLambdaAdv(0)),
            new Arm("mcm_no_mixed", "MCM with real trajectories only (p_gen 0)", mcm.withPGen(0)),
            new Arm("mcm_raw", "MCM with the raw representation instead of the learned head", mcm.withRepresentation(McmConfig.Representation.RAW)));
        return new McmExperimentConfig(frames, size, size, classes, 0.5, 1.5, new QualityVideos.Degradation(1.0, 0.06, 2.0), model, teacher, teacherSteps,
            1 + (omegaMin + omegaMax) / 2, distillSteps, batch, omegaMin, omegaMax, lr, arms, new int[] {1, 2, 4, 8}, perClass, 120, 48, 2, seed,
            TeacherKind.EPS.objective, TeacherKind.EPS.noise, new double[] {0, 1});
    }
}
