// MotionTeacher — the teacher of the session-6 motion-guidance attempt (docs/experiments/turbo.md, "Session 6"):
// `vdiff experiment turbo`'s teacher (TurboExperiment.trainTeacher: eps, patch 1, 1500 steps of 8 clips, lr 2e-3,
// EMA 0.99, class dropout 0.1, 16x16, 8 frames, 5 classes, flat and gradient backgrounds, no still clips) with two
// changes, each a command-line switch:
//   --temporal0      temporal attention at full resolution too (ModelSpec.temporal0; needs ch0 = ch1, so 16/16
//                    instead of 16/32): the decoder then has dec0_tattn (16x16 = 256 rows per head) beside dec1_tattn
//                    (8x8), and the motion energy can read the full-resolution maps (--motion-layers dec0_tattn);
//   --speeds A B     objects move A..B pixels per frame (the experiment's data: 0.6..1.2).
// Writes a `vdiff train` run folder that `vdiff reward train --run`, `vdiff distill --teacher` and `vdiff sample`
// read.
//
//   java --add-modules jdk.incubator.vector -cp "tensor/target/classes:diffusion/target/classes:reference/target/classes:target/lib/*" \
//        tools/turbo/MotionTeacher.java OUT_DIR [--temporal0] [--speeds A B] [--steps N] [--ch C]
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.random.Rng;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

public final class MotionTeacher {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        boolean temporal0 = false;
        double vMin = 0.6, vMax = 1.2;
        long steps = 1500;
        int ch = 16;
        for (int i = 1; i < a.length; i++) {
            switch (a[i]) {
                case "--temporal0" -> temporal0 = true;
                case "--speeds" -> { vMin = Double.parseDouble(a[++i]); vMax = Double.parseDouble(a[++i]); }
                case "--steps" -> steps = Long.parseLong(a[++i]);
                case "--ch" -> ch = Integer.parseInt(a[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + a[i]);
            }
        }
        int size = 16, frames = 8, classes = 5;
        DataSpec d = DataSpec.synthetic(frames, size, size).withClasses(classes).withSpeeds(vMin, vMax).withStaticProbability(0)
            .withBackgrounds(List.of(BackgroundKind.FLAT, BackgroundKind.GRADIENT));
        // the experiment's teacher is ch 16/32 with emb 2 * 32 = 64; with temporal0, ch0 = ch1 = ch and the same emb 64
        int ch1 = temporal0 ? ch : 2 * ch;
        ModelSpec m = new ModelSpec(frames, 3, 1, ch, ch1, 2, Math.max(2, ch / 2), classes, 64, 64, temporal0);
        TrainConfig tc = new TrainConfig(steps, 8, 2e-3, Math.min(50, steps / 5), 0, 1.0, 0.99, 0.1, 0, 4096, 0, 1);
        RunSpec run = new RunSpec(m, d, Objective.EPSILON, tc);
        Files.createDirectories(dir);
        run.write(dir);
        Denoiser model = Models.build(m, DType.FLOAT32, Rng.seed(0).split(Trainer.MODEL_INIT));
        Trainer tr = new TrainingSetup(run, d.open(), dir, false, System.out).build(model);
        try (TrainProgress p = new TrainProgress("teacher", System.out, 0, steps, Duration.ZERO, 10)) {
            tr.run(steps, new Checkpoints(RunSpec.checkpointsDir(dir), 1), p);
        }
        System.out.println("teacher " + m.describe() + ", speeds " + vMin + ".." + vMax + " px/frame, " + steps + " steps: " + dir);
    }
}
