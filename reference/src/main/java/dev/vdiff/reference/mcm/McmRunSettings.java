package dev.vdiff.reference.mcm;

import dev.vdiff.reference.mcm.lora.LoraConfig;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.ScheduleSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@code vdiff distill --method mcm} run folder is made of, saved as {@code mcm.json} so that {@code --resume}
 * rebuilds exactly the same run: the teacher's model and data (copied from its {@code run.json}), the image source,
 * the schedule of the run, and every MCM option ({@link McmConfig}).
 *
 * @param teacher        the teacher run folder (for the record; its weights are copied into the student folder)
 * @param model, data    the teacher's network and training clips
 * @param images         {@code synthetic} (clean frames of the synthetic generator at the teacher's size and classes)
 *                       or a folder of image files ({@code data.ImageFolder}: png, jpg, bmp; labels from {@code captions.csv},
 *                       class subfolders, or none)
 * @param imageClips     synthetic clips rendered, or image files read, once as the image pool
 * @param steps, batch, checkpointEvery, keepCheckpoints  the run's schedule
 * @param representation, loraRank, loraAlpha, loraTemporal, pGen, loss, lambdaAdv, lambdaGp, adaptiveGp, target,
 *                       lr, discLr, omegaMin, omegaMax, seed  the MCM options
 * @param objective      what the teacher (and so the student, a copy of its UNet) predicts: eps or v (SPEC §1.2), from
 *                       the teacher's {@code run.json}; absent in files written before it was recorded: eps
 * @param noise          the teacher's training schedule (SPEC §1.1's, or rescaled to zero terminal SNR, which needs v),
 *                       used by the distillation's DDIM solver and by the student's LCM sampler; absent: SPEC §1.1's
 */
public record McmRunSettings(String teacher, ModelSpec model, DataSpec data, String images, int imageClips, long steps, int batch, long checkpointEvery,
                             int keepCheckpoints, String representation, int loraRank, double loraAlpha, boolean loraTemporal, double pGen, String loss,
                             double lambdaAdv, double lambdaGp, boolean adaptiveGp, String target, double lr, double discLr, double omegaMin, double omegaMax,
                             long seed, Objective objective, ScheduleSpec noise) {
    public static final String FILE = "mcm.json", TEACHER_WEIGHTS = "teacher.safetensors";

    public McmRunSettings {
        if (objective != Objective.EPSILON && objective != Objective.V) throw new IllegalArgumentException("MCM distils an eps or v teacher, not " + objective.cliName);
        if (noise.zeroTerminalSnr() && objective != Objective.V) throw new IllegalArgumentException("a zero-terminal-SNR teacher must predict v (Lin et al. 2024 §3.2)");
    }

    /** An eps teacher on SPEC §1.1's schedule. */
    public McmRunSettings(String teacher, ModelSpec model, DataSpec data, String images, int imageClips, long steps, int batch, long checkpointEvery,
                          int keepCheckpoints, String representation, int loraRank, double loraAlpha, boolean loraTemporal, double pGen, String loss,
                          double lambdaAdv, double lambdaGp, boolean adaptiveGp, String target, double lr, double discLr, double omegaMin, double omegaMax,
                          long seed) {
        this(teacher, model, data, images, imageClips, steps, batch, checkpointEvery, keepCheckpoints, representation, loraRank, loraAlpha, loraTemporal, pGen, loss,
            lambdaAdv, lambdaGp, adaptiveGp, target, lr, discLr, omegaMin, omegaMax, seed, Objective.EPSILON, ScheduleSpec.VC2);
    }

    /** These settings for a teacher predicting {@code o} on schedule {@code n}. */
    public McmRunSettings withTeacherObjective(Objective o, ScheduleSpec n) {
        return new McmRunSettings(teacher, model, data, images, imageClips, steps, batch, checkpointEvery, keepCheckpoints, representation, loraRank, loraAlpha,
            loraTemporal, pGen, loss, lambdaAdv, lambdaGp, adaptiveGp, target, lr, discLr, omegaMin, omegaMax, seed, o, n);
    }

    /**
     * The settings of a run made outside {@code vdiff distill} (the experiment's students) with configuration {@code c}, so
     * that its folder samples with {@code vdiff sample} ({@link McmStudent}); an {@link IllegalArgumentException} when
     * {@code c} has a value {@code mcm.json} cannot hold (the round trip {@code config().equals(c)} is checked).
     */
    public static McmRunSettings of(String teacher, ModelSpec model, DataSpec data, String images, int imageClips, long steps, int batch, McmConfig c,
                                    Objective objective, ScheduleSpec noise) {
        McmRunSettings s = new McmRunSettings(teacher, model, data, images, imageClips, steps, batch, 0, 1, c.representation().optionName(),
            c.lora() == null ? 0 : c.lora().rank(), c.lora() == null ? 0 : c.lora().alpha(), c.lora() != null && c.lora().includeTemporal(), c.mcd().pGen(),
            c.adversarialLoss().optionName(), c.lambdaAdv(), c.gradientPenalty().lambdaGp(), c.gradientPenalty().adaptive(),
            c.target() == McmConfig.Target.EMA ? "ema" : "online", c.learningRate(), c.discLearningRate(), c.mcd().omegaMin(), c.mcd().omegaMax(), c.seed(), objective, noise);
        if (!s.config().equals(c)) throw new IllegalArgumentException("MCM: this configuration has settings " + FILE + " does not record: " + c);
        return s;
    }

    /** The {@link McmConfig} these settings describe (checks every option; errors name it). */
    public McmConfig config() {
        McmConfig c = McmConfig.mcm(seed, Math.max(1, model.classes()));
        MotionConsistencyDistillation.Config m = c.mcd();
        c = c.withMcd(new MotionConsistencyDistillation.Config(m.gridPoints(), omegaMin, omegaMax, m.huberC(), m.boundary(), pGen))
            .withRepresentation(McmConfig.Representation.parse(representation))
            .withLora(loraRank == 0 ? null : new LoraConfig(loraRank, loraAlpha, loraTemporal, LoraConfig.MCM.temporalNames()))
            .withAdversarialLoss(AdversarialLoss.parse(loss)).withLambdaAdv(lambdaAdv)
            .withGradientPenalty(new GradientPenaltyWeight.Config(lambdaGp, adaptiveGp, GradientPenaltyWeight.Config.MCM.threshold(),
                GradientPenaltyWeight.Config.MCM.factor(), GradientPenaltyWeight.Config.MCM.checkEvery()))
            .withLearningRates(lr, discLr);
        switch (target) {
            case "online": return c.withTarget(McmConfig.Target.ONLINE);
            case "ema": return c.withTarget(McmConfig.Target.EMA);
            default: throw new IllegalArgumentException("MCM target must be online or ema, got '" + target + "'");
        }
    }

    public McmRunSettings withSteps(long s) {
        return new McmRunSettings(teacher, model, data, images, imageClips, s, batch, checkpointEvery, keepCheckpoints, representation, loraRank, loraAlpha,
            loraTemporal, pGen, loss, lambdaAdv, lambdaGp, adaptiveGp, target, lr, discLr, omegaMin, omegaMax, seed, objective, noise);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "vdiff-mcm-run");
        m.put("version", 1);
        m.put("teacher", teacher);
        m.put("model", model.toJson());
        m.put("data", data.toJson());
        m.put("images", images);
        m.put("image_clips", imageClips);
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("checkpoint_every", checkpointEvery);
        m.put("keep_checkpoints", keepCheckpoints);
        m.put("representation", representation);
        m.put("lora_rank", loraRank);
        m.put("lora_alpha", loraAlpha);
        m.put("lora_temporal", loraTemporal);
        m.put("p_gen", pGen);
        m.put("loss", loss);
        m.put("lambda_adv", lambdaAdv);
        m.put("lambda_gp", lambdaGp);
        m.put("adaptive_gp", adaptiveGp);
        m.put("target", target);
        m.put("lr", lr);
        m.put("disc_lr", discLr);
        m.put("omega_min", omegaMin);
        m.put("omega_max", omegaMax);
        m.put("seed", seed);
        m.put("objective", objective.cliName);
        m.put("schedule", noise.toJson());
        return m;
    }

    public static McmRunSettings fromJson(Map<?, ?> m) {
        try {
            return new McmRunSettings((String) m.get("teacher"), ModelSpec.fromJson((Map<?, ?>) m.get("model")), DataSpec.fromJson((Map<?, ?>) m.get("data")),
                (String) m.get("images"), num(m, "image_clips").intValue(), num(m, "steps").longValue(), num(m, "batch").intValue(), num(m, "checkpoint_every").longValue(),
                num(m, "keep_checkpoints").intValue(), (String) m.get("representation"), num(m, "lora_rank").intValue(), num(m, "lora_alpha").doubleValue(),
                (Boolean) m.get("lora_temporal"), num(m, "p_gen").doubleValue(), (String) m.get("loss"), num(m, "lambda_adv").doubleValue(),
                num(m, "lambda_gp").doubleValue(), (Boolean) m.get("adaptive_gp"), (String) m.get("target"), num(m, "lr").doubleValue(), num(m, "disc_lr").doubleValue(),
                num(m, "omega_min").doubleValue(), num(m, "omega_max").doubleValue(), num(m, "seed").longValue(),
                m.get("objective") == null ? Objective.EPSILON : Objective.parse((String) m.get("objective")), ScheduleSpec.fromJson((Map<?, ?>) m.get("schedule")));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(FILE + ": a field is missing or has the wrong type (" + e.getMessage() + ")");
        }
    }

    private static Number num(Map<?, ?> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number)) throw new IllegalArgumentException(FILE + ": '" + k + "' must be a number, got " + v);
        return (Number) v;
    }
}
