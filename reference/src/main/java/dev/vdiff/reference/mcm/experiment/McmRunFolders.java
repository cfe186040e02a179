package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.mcm.McmDistillation;
import dev.vdiff.reference.mcm.McmRunSettings;
import dev.vdiff.reference.mcm.McmStudentRun;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The experiment's networks as run folders, so that {@code vdiff sample --run DIR} samples them afterwards: the teacher
 * as a {@code vdiff train} run ({@code teacher/run.json}, {@code teacher/checkpoints/step-N/}, its objective and noise
 * schedule recorded), each student as a {@code vdiff distill --method mcm} run ({@code students/<arm>/mcm.json},
 * {@code teacher.safetensors}, {@code checkpoints/step-N.safetensors}, {@code lora.safetensors}).
 *
 * <p>What the folders cannot record: the teacher's clips were {@link QualityVideos}' <b>degraded</b> clips and the
 * students' images its clean frames, which {@link DataSpec} has no field for. {@code run.json}'s data is the synthetic
 * generator with the same sizes, classes, speeds, flat backgrounds and one colour per class, without the degradations:
 * enough for sampling (sizes and labels), but a {@code --resume} of these folders would train on other clips.
 */
final class McmRunFolders {
    private McmRunFolders() {}

    /** The synthetic source closest to the experiment's clips (sizes, classes, speeds, flat backgrounds, colour by class). */
    static DataSpec data(McmExperimentConfig cfg) {
        return DataSpec.synthetic(cfg.frames(), cfg.height(), cfg.width()).withClasses(cfg.classes()).withSeed(cfg.seed()).withSpeeds(cfg.minSpeed(), cfg.maxSpeed())
            .withStaticProbability(0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
    }

    /** {@code dir/run.json} and the trainer's final checkpoint (weights, EMA, optimizer, state). */
    static void saveTeacher(Path dir, McmExperimentConfig cfg, Trainer trainer) throws IOException {
        RunSpec spec = new RunSpec(cfg.model(), data(cfg), cfg.teacherObjective(), cfg.teacherNoise(), cfg.teacherTrain(), Map.of());
        spec.write(dir);
        new Checkpoints(RunSpec.checkpointsDir(dir), 1).save(trainer);
    }

    /** One student's folder, its teacher recorded as {@code teacherDir}. */
    static void saveStudent(Path dir, Path teacherDir, McmExperimentConfig cfg, McmExperimentConfig.Arm arm, Map<String, Tensor> teacherWeights, McmDistillation d,
                            Trainer trainer) throws IOException {
        McmRunSettings s = McmRunSettings.of(teacherDir.toAbsolutePath().normalize().toString(), cfg.model(), data(cfg), "synthetic", cfg.imagePool(), cfg.distillSteps(),
            cfg.batch(), arm.config(), cfg.teacherObjective(), cfg.teacherNoise());
        McmStudentRun.save(dir, s, teacherWeights, d, trainer);
    }
}
