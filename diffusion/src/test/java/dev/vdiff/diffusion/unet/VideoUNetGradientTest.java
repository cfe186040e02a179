package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void threeLevelsOnlyTemporalAttentionUnconditional() {
        // Other shapes of the configurable network: 8 -> 16 (temporal attention) -> 16 (both), no labels.
        VideoUNetConfig cfg = new VideoUNetConfig(2, 3, List.of(new VideoUNetConfig.Level(8, false, false),
            new VideoUNetConfig.Level(16, false, true), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-6, 0, 8, 16);
        VideoUNet net = new VideoUNet(cfg, DType.FLOAT64, Rng.seed(21));
        assertTrue(net.namedParameters().keySet().containsAll(List.of("enc1_tattn.qkv.weight", "down1.weight", "enc2_sattn.norm.bias",
            "mid_sattn.proj.weight", "dec2_res.skip.weight", "up2_conv.bias", "dec1_tattn.proj.bias", "up1_conv.weight", "dec0_res.conv2.weight")));
        assertTrue(net.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("enc1_sattn") || k.startsWith("label_emb")));
        Tensor x = randn(DType.FLOAT64, 22, 1, 2, 3, 8, 4).requiresGrad(true);
        GradCheck.checkDirection(in -> net.forward(in[0], Tensor.ofLongs(new long[] {250}, 1), null), 3, 23, x);
    }

    @Test
    void parameterGradientsAlongRandomDirections() {
        // GradCheck perturbs copies of its inputs, but the parameters live inside the model, so this check
        // perturbs them in place: L(theta) = sum(out * U), <dL/dtheta, d> vs (L(theta + h d) - L(theta - h d)) / 2h.
        VideoUNet net = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(0));
        randomize(net, 3);
        Tensor x = randn(DType.FLOAT64, 4, 2, 3, 2, 4, 6);
        Tensor up = randn(DType.FLOAT64, 5, 2, 3, 2, 4, 6);
        net.forward(x, T, Y).backward(up);
        List<Tensor> params = net.parameters();
        SplittableRandom r = new SplittableRandom(6);
        for (int dir = 0; dir < 3; dir++) {
            double[][] d = new double[params.size()][];
            double predicted = 0;
            for (int k = 0; k < params.size(); k++) {
                Tensor p = params.get(k);
                double[] g = p.grad().toDoubleArray();
                d[k] = new double[p.numel()];
                for (int i = 0; i < d[k].length; i++) {
                    d[k][i] = r.nextDouble() * 2 - 1;
                    predicted += d[k][i] * g[i];
                }
            }
            double h = 1e-6;
            shift(params, d, h);
            double lp = loss(net, x, up);
            shift(params, d, -2 * h);
            double lm = loss(net, x, up);
            shift(params, d, h);
            double numeric = (lp - lm) / (2 * h);
            assertTrue(Math.abs(predicted - numeric) <= 1e-5 + 1e-6 * Math.abs(numeric),
                "direction " + dir + ": autodiff " + predicted + " vs central difference " + numeric);
        }
    }

    private static void shift(List<Tensor> params, double[][] d, double h) {
        for (int k = 0; k < params.size(); k++) {
            double[] v = params.get(k).doubles();
            for (int i = 0; i < v.length; i++) v[i] += h * d[k][i];
        }
    }

    private static double loss(VideoUNet net, Tensor x, Tensor up) {
        try (var s = Autograd.noGrad()) {
            double[] o = net.forward(x, T, Y).toDoubleArray(), u = up.toDoubleArray();
            double l = 0;
            for (int i = 0; i < o.length; i++) l += o[i] * u[i];
            return l;
        }
    }
}
