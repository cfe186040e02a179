package dev.vdiff.cli;

import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.turbo.reward.ClipClassifier;
import dev.vdiff.reference.turbo.reward.FrameClassifier;
import dev.vdiff.reference.turbo.reward.RewardCheckpoint;
import dev.vdiff.reference.turbo.reward.RewardModelTraining;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code vdiff reward train --kind image|video --run RUN --out FILE}: trains one of T2V-Turbo's toy reward models on
 * the clean clips of a training run's data set (the stand-ins for HPSv2/CLIP and InternVideo2, issue 11) and writes
 * it atomically as a small safetensors file for {@code vdiff distill --image-reward/--video-reward}. Seeded: the
 * same options give the same bits.
 */
@Command(name = "reward", mixinStandardHelpOptions = true, subcommands = {RewardCommand.Train.class},
    description = "Reward models for vdiff distill (T2V-Turbo-v2): train the image (frame class) or video (clip class and motion) reward.")
public final class RewardCommand implements CliCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a reward model on a run's clean clips: image = a frame classifier of the class (R_img = log p(c | frame)); "
            + "video = a clip classifier of class and motion direction (R_vid = log p(c | clip) + log p(moving | clip)).")
    static final class Train implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--kind", required = true, description = "image or video")
        String kind;
        @Option(names = "--run", required = true, paramLabel = "RUN", description = "a vdiff train run whose data set (run.json) the reward learns (the teacher's)")
        Path run;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the reward model file to write (.safetensors); an existing file is not overwritten")
        Path out;
        @Option(names = "--steps", defaultValue = "300", description = "optimizer steps (default: ${DEFAULT-VALUE})")
        int steps;
        @Option(names = "--batch", defaultValue = "16", description = "clips per step (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--lr", defaultValue = "3e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
        double lr;
        @Option(names = "--width", defaultValue = "16", description = "channels of the first convolution (default: ${DEFAULT-VALUE})")
        int width;
        @Option(names = "--frames", defaultValue = "4", description = "video: strided frames the model sees (must divide the clips' frames) (default: ${DEFAULT-VALUE})")
        int frames;
        @Option(names = "--seed", defaultValue = "0", description = "initialisation and frame draws (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--threads", description = "compute threads (default: all cores)")
        Integer threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ThreadsOption.apply(threads);
            if (!kind.equals("image") && !kind.equals("video")) throw new UserError("--kind must be image or video, got " + kind);
            if (Files.exists(out)) throw new UserError("--out " + out + " already exists; choose another file");
            if (steps < 1 || batch < 1 || !(lr > 0) || width < 1) throw new UserError("--steps, --batch, --width must be >= 1 and --lr > 0, got " + steps + ", " + batch + ", " + width + ", " + lr);
            RunSpec r = RunSpec.read(run);
            int classes = r.model().classes();
            if (classes < 2) throw new UserError("--run " + run + ": the data set has " + classes + " classes; a reward model needs at least 2");
            if (kind.equals("video") && !r.data().isSynthetic()) throw new UserError("--kind video needs the synthetic data set (its motion direction labels); " + run + " uses a folder");
            if (kind.equals("video") && (frames < 2 || r.data().frames() % frames != 0)) throw new UserError("--frames " + frames + " must be >= 2 and divide the clips' " + r.data().frames() + " frames");
            VideoDataset data = r.data().open();
            RewardModelTraining.Config config = new RewardModelTraining.Config(steps, batch, lr, seed);
            Rng init = Rng.seed(seed).split(-1);
            var err = System.err;
            try (TrainProgress progress = new TrainProgress("reward " + kind, err, 0, steps, Duration.ZERO, 10)) {
                if (kind.equals("image")) {
                    FrameClassifier m = new FrameClassifier(classes, width, DType.FLOAT32, init);
                    RewardModelTraining.trainImage(m, data, config, s -> progress.onStep(new Trainer.StepResult(s.step() + 1, s.loss(), 0, lr)));
                    double acc = heldOutImage(m, data);
                    RewardCheckpoint.save(out, m, width);
                    report(String.format(Locale.ROOT, "class accuracy of single frames %.3f", acc));
                } else {
                    ClipClassifier m = new ClipClassifier(classes, frames, width, DType.FLOAT32, init);
                    RewardModelTraining.trainVideo(m, data, config, s -> progress.onStep(new Trainer.StepResult(s.step() + 1, s.loss(), 0, lr)));
                    double[] acc = heldOutVideo(m, data);
                    RewardCheckpoint.save(out, m, width);
                    report(String.format(Locale.ROOT, "class accuracy of clips %.3f, motion accuracy of clips %.3f", acc[0], acc[1]));
                }
            }
            return 0;
        }

        private void report(String accuracies) {
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s; held-out %s%n", out, accuracies);
            spec.commandLine().getOut().flush();
        }

        /** Accuracy on 64 clips past the training ones (data indices from {@code steps * batch}). */
        private double heldOutImage(FrameClassifier m, VideoDataset data) {
            try (var g = Autograd.noGrad()) {
                var b = RewardModelTraining.imageBatch(data, (long) steps * batch, 64, Rng.seed(seed).split(-2), DType.FLOAT32);
                return RewardModelTraining.accuracy(m.forward(b.input()), b.classes());
            }
        }

        private double[] heldOutVideo(ClipClassifier m, VideoDataset data) {
            try (var g = Autograd.noGrad()) {
                var b = RewardModelTraining.videoBatch(data, (long) steps * batch, 64, m.frames(), Rng.seed(seed).split(-2), DType.FLOAT32);
                ClipClassifier.Logits l = m.forward(b.input());
                return new double[] {RewardModelTraining.accuracy(l.classes(), b.classes()), RewardModelTraining.accuracy(l.motion(), b.motion())};
            }
        }
    }
}
