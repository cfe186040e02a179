// StepHarness — one tiny VideoUNet training step on the JVM as a Runnable, for AltStepTime (compile it once against
// each build's tensor and diffusion classes).
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.random.Rng;
import java.util.List;

/** One tiny VideoUNet training step (forward, MSE, backward, AdamW) on the JVM, as a Runnable. */
public final class StepHarness {
    public static Runnable make() {
        Parallel.setThreads(2);
        VideoUNetConfig cfg = new VideoUNetConfig(2, 12, List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 6, 16, 16);
        int[] shape = {2, 2, 12, 4, 4};
        Rng rng = Rng.seed(0);
        VideoUNet model = new VideoUNet(cfg, DType.FLOAT32, rng.split(0));
        AdamW opt = new AdamW(model.namedParameters(), 1e-4);
        Rng data = rng.split(1);
        Tensor x = data.normal(DType.FLOAT32, shape), t = data.randint(0, 1000, 2), y = data.randint(0, cfg.numClasses(), 2);
        Tensor target = data.normal(DType.FLOAT32, shape);
        return () -> {
            for (Tensor p : model.parameters()) p.zeroGrad();
            Losses.mse(model.forward(x, t, y), target).backward();
            opt.step();
        };
    }
}
