package dev.vdiff.reference.turbo;

import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.Safetensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * A distilled student's run folder, shared by {@code vdiff distill} and {@code vdiff experiment turbo}:
 * <pre>
 *   DIR/run.json                   the teacher's model and data, the distillation's TrainConfig, the "turbo" section
 *   DIR/teacher.safetensors        the teacher's EMA weights (a copy: the run never reads the teacher's folder again)
 *   DIR/reward_image.safetensors   copies of the reward models, when used
 *   DIR/reward_video.safetensors
 *   DIR/checkpoints/step-NNNNNNNN  the trainer's checkpoints (student weights, EMA, AdamW, RNG; ema_target with --target ema)
 * </pre>
 */
public final class TurboRuns {
    private TurboRuns() {}

    /** A student run ready to train: the generic trainer with the turbo loss, and its network. */
    public record Opened(RunSpec run, TurboSettings settings, StudentNetwork student, Trainer trainer, Checkpoints checkpoints) {}

    /**
     * Writes a new student run into {@code dir} (which must not hold one) from the teacher checkpoint
     * {@code teacherCheckpoint} of {@code teacher}, copying the reward files (null when unused).
     */
    public static RunSpec create(Path dir, RunSpec teacher, Path teacherCheckpoint, TurboSettings s, TrainConfig config, Path imageReward, Path videoReward) throws IOException {
        if (Files.exists(dir.resolve(RunSpec.FILE))) throw new UserError(dir + " already holds a run; continue it with --resume " + dir + " or choose another --out");
        if (teacher.objective() != Objective.EPSILON) throw new UserError("the teacher must predict epsilon (vdiff train --objective eps), it uses " + teacher.objective().cliName);
        RunSpec run = new RunSpec(teacher.model(), teacher.data(), Objective.EPSILON, config).withSection(TurboSettings.SECTION, s.toJson());
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(TurboSettings.TEACHER_FILE), Checkpoints.emaWeights(teacherCheckpoint), Map.of("format", "pt", "teacher", teacherCheckpoint.toString()));
        if (imageReward != null) Files.copy(imageReward, dir.resolve(TurboSettings.IMAGE_REWARD_FILE), StandardCopyOption.REPLACE_EXISTING);
        if (videoReward != null) Files.copy(videoReward, dir.resolve(TurboSettings.VIDEO_REWARD_FILE), StandardCopyOption.REPLACE_EXISTING);
        run.write(dir);   // last: a folder without run.json is no run
        return run;
    }

    /**
     * Opens the student run in {@code dir} for training: a new run starts with the student's UNet equal to the
     * teacher; {@code resume} loads the newest checkpoint (bit-exact continuation). {@code steps} (null: keep)
     * changes the total number of steps.
     */
    public static Opened open(Path dir, boolean resume, Long steps, PrintStream log) throws IOException {
        RunSpec run = RunSpec.read(dir);
        TurboSettings s = TurboMethod.settings(run);
        if (s == null) throw new UserError(dir + " is not a distilled student (no turbo section in run.json)");
        if (steps != null) run = run.withTrain(run.train().withSteps(steps));
        StudentNetwork student = TurboMethod.student(run, s, s.sampleOmega(), s.sampleMotionStrength());
        if (!resume) student.student().unet().loadStateDict(Safetensors.read(dir.resolve(TurboSettings.TEACHER_FILE)));   // student = teacher at step 0
        TrainingSetup setup = new TrainingSetup(run, run.data().open(), dir, resume, log);
        new TurboMethod(student).configure(setup);
        Trainer trainer = setup.build(student);
        Checkpoints checkpoints = new Checkpoints(RunSpec.checkpointsDir(dir), run.train().keepCheckpoints());
        if (resume) {
            Optional<Path> latest = checkpoints.latest();
            if (latest.isEmpty()) throw new UserError("no checkpoint to resume in " + checkpoints.dir());
            Checkpoints.load(latest.get(), trainer);
        }
        return new Opened(run, s, student, trainer, checkpoints);
    }
}
