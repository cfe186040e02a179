package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.mcm.ImagePool;
import dev.vdiff.reference.mcm.McmDistillation;
import dev.vdiff.reference.mcm.McmTraining;
import dev.vdiff.reference.mcm.McmRunSettings;
import dev.vdiff.reference.mcm.McmStudent;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The experiment's teacher and students saved as run folders ({@link McmRunFolders}): the teacher folder reads back as a
 * {@code vdiff train} run with the teacher's objective, schedule and EMA weights bit for bit; a student folder loads as
 * the {@link McmStudent} {@code vdiff sample} uses, predicting what the trained student predicted; every arm of the full
 * run is described by {@code mcm.json} exactly (its configuration round-trips).
 */
class McmRunFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void teacherAndStudentFoldersLoadAsTheTrainedNetworks() throws Exception {
        McmExperimentConfig cfg = McmExperimentConfig.toy(0).withTeacher(McmExperimentConfig.TeacherKind.V_ZERO_SNR);
        var schedule = cfg.teacherNoise().schedule();
        QualityVideos degraded = new QualityVideos(cfg.frames(), cfg.height(), cfg.width(), cfg.classes(), cfg.minSpeed(), cfg.maxSpeed(), cfg.seed(), cfg.degradation());
        Denoiser net = Models.build(cfg.model(), DType.FLOAT32, Rng.seed(0).split(Trainer.MODEL_INIT));
        Trainer trainer = new Trainer(net, degraded, cfg.teacherTrain(), cfg.teacherObjective(), schedule, TimestepSampler.uniform(1000));
        for (int i = 0; i < 2; i++) trainer.step();
        Path teacherDir = tmp.resolve("teacher");
        McmRunFolders.saveTeacher(teacherDir, cfg, trainer);
        RunSpec spec = RunSpec.read(teacherDir);
        assertEquals(Objective.V, spec.objective());
        assertTrue(spec.noise().zeroTerminalSnr());
        assertEquals(cfg.model(), spec.model());
        Map<String, Tensor> ema = trainer.ema().stateDict(), saved = Checkpoints.emaWeights(new Checkpoints(RunSpec.checkpointsDir(teacherDir), 1).latest().orElseThrow());
        assertEquals(ema.keySet(), saved.keySet());
        for (String k : ema.keySet()) assertArrayEquals(ema.get(k).contiguous().floats(), saved.get(k).contiguous().floats(), k);

        McmExperimentConfig.Arm arm = cfg.arms().get(1);   // mcm: LoRA, learned head, discriminator
        VideoUNet unet = VideoUNet.load(Models.config(cfg.model()), ema, DType.FLOAT32);
        McmDistillation d = new McmDistillation(new FrozenTeacher(unet), PredictionType.V_PREDICTION, schedule, arm.config());
        ImagePool images = new ImagePool(new QualityVideos(cfg.frames(), cfg.height(), cfg.width(), cfg.classes(), cfg.minSpeed(), cfg.maxSpeed(), 1, null), 1_000_000_000L, cfg.imagePool(), cfg.classes());
        Trainer distill = McmTraining.trainer(d, cfg.teacherObjective(), degraded, cfg.teacherTrain().trainClips(), new McmTraining.Images(images, cfg.seed(), McmExperiment.IMAGE_STREAM),
            new McmTraining.Loop(2, cfg.batch(), 0, 1));
        distill.run(2, null, null);
        Path studentDir = tmp.resolve("students").resolve(arm.name());
        McmRunFolders.saveStudent(studentDir, teacherDir, cfg, arm, ema, d, distill);

        McmStudent student = McmStudent.load(studentDir, null);
        assertEquals(2, student.step());
        assertEquals(Objective.V, student.runSpec().objective());
        assertTrue(student.runSpec().noise().zeroTerminalSnr());
        Tensor x = Rng.seed(9).normal(DType.FLOAT32, 2, cfg.frames(), 3, cfg.height(), cfg.width());
        Tensor t = Tensor.ofLongs(new long[] {999, 259}, 2), y = Tensor.ofLongs(new long[] {0, 2}, 2);
        float[] trained, loaded;
        try (var g = Autograd.noGrad()) {
            trained = d.studentDenoiser().predict(x, t, y).contiguous().floats();
            loaded = student.denoiser().forward(x, t, y).contiguous().floats();
        }
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < trained.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(trained[i] - loaded[i]));
            maxAbs = Math.max(maxAbs, Math.abs(trained[i]));
        }
        // the same weights W0 + (alpha / r) B A, merged into the layers once vs written before every call: float rounding only
        assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), "saved student differs from the trained one by " + maxDiff);
        assertTrue(d.lora() != null && maxAbs > 0);
    }

    @Test
    void everyArmOfTheFullRunRoundTripsThroughMcmJson() {
        McmExperimentConfig cfg = McmExperimentConfig.full(0);
        for (McmExperimentConfig.Arm arm : cfg.arms()) {
            McmRunSettings s = McmRunSettings.of("teacher", cfg.model(), McmRunFolders.data(cfg), "synthetic", cfg.imagePool(), cfg.distillSteps(), cfg.batch(), arm.config(),
                cfg.teacherObjective(), cfg.teacherNoise());
            assertEquals(arm.config(), McmRunSettings.fromJson(dev.vdiff.tensor.io.Json.parseObject(dev.vdiff.tensor.io.Json.write(s.toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8))).config(), arm.name());
        }
    }
}
