package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import dev.vdiff.tensor.check.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Autodiff of the whole network against central differences (float64), on a tiny configuration with both
 * attention kinds, two videos (so per-video GroupNorm and the embedding broadcast matter) and a null label.
 */
class VideoUNetGradientTest {
    static final VideoUNetConfig TINY = new VideoUNetConfig(3, 2,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);

    /** Random weights on PyTorch-like scales; norms near (1, 0) but not exactly, so that they matter. */
    static void randomize(VideoUNet net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : net.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            double[] v = new double[p.numel()];
            boolean norm = e.getKey().contains("norm");
            int fanIn = p.rank() >= 2 ? p.numel() / p.shape(0) : 8;
            for (int i = 0; i < v.length; i++) {
                double u = r.nextDouble() * 2 - 1;
                v[i] = norm ? (e.getKey().endsWith("weight") ? 1 : 0) + 0.2 * u : u / Math.sqrt(fanIn);
            }
            Tensor src = Tensor.of(v, p.shape()).to(p.dtype());
            System.arraycopy(src.storage(), 0, p.storage(), 0, v.length);
        }
    }

    static Tensor randn(DType dt, long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() * 2 - 1;
        return Tensor.of(v, shape).to(dt);
    }

    private static final Tensor T = Tensor.ofLongs(new long[] {999, 17}, 2);
    private static final Tensor Y = Tensor.ofLongs(new long[] {1, 3}, 2);   // 3 = null label

    @Test
    void inputGradientAlongRandomDirections() {
        VideoUNet net = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(0));
        randomize(net, 1);
        Tensor x = randn(DType.FLOAT64, 2, 2, 3, 2, 4, 6).requiresGrad(true);
        GradCheck.checkDirection(in -> net.forward(in[0], T, Y), 4, 11, x);
    }

    @Test
    void parameterGradientsAlongRandomDirections() {
        // The parameters live inside the model, so they are perturbed in place.
        VideoUNet net = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(0));
        randomize(net, 3);
        Tensor x = randn(DType.FLOAT64, 4, 2, 3, 2, 4, 6);
        GradCheck.checkDirectionInPlace(() -> net.forward(x, T, Y), 3, 6, net.parameters().toArray(new Tensor[0]));
    }
}
