package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch's default initialisation (docs/bench/tiny_video_unet.md §9), checked through its distributions. */
class VideoUNetInitTest {

    /** fan_in of the conv/linear layer a parameter belongs to, from the weight's shape (hand rule: in * k * k). */
    private static int fanIn(Map<String, Tensor> sd, String name) {
        int[] w = sd.get(name.substring(0, name.lastIndexOf('.')) + ".weight").shape();
        int f = 1;
        for (int i = 1; i < w.length; i++) f *= w[i];
        return f;
    }

    @Test
    void benchmarkDrawsFollowPyTorchDefaults() {
        VideoUNet net = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, Rng.seed(0));
        Map<String, Tensor> sd = net.namedParameters();
        for (var e : sd.entrySet()) {
            String n = e.getKey();
            double[] v = e.getValue().toDoubleArray();
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sq = 0;
            for (double x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
                sq += x * x;
            }
            double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
            if (n.contains("norm")) {
                double want = n.endsWith(".weight") ? 1 : 0;
                assertTrue(min == want && max == want, n + " should be all " + want);
            } else if (n.equals("label_emb.weight")) {
                // 2,816 standard normals: mean within ~5 sigma/sqrt(n), std within a few percent
                assertEquals(0, mean, 0.1, n + " mean");
                assertEquals(1, std, 0.06, n + " std");
            } else {
                double bound = 1 / Math.sqrt(fanIn(sd, n));
                assertTrue(min >= -bound && max <= bound, n + " outside +-" + bound + ": [" + min + ", " + max + "]");
                if (v.length >= 1000) {
                    // U(-b, b): std b/sqrt(3), extremes near the bound
                    assertEquals(bound / Math.sqrt(3), std, 0.05 * bound, n + " std");
                    assertTrue(max > 0.95 * bound && min < -0.95 * bound, n + " does not fill +-" + bound);
                }
            }
        }
        assertEquals(1.0 / 6, 1 / Math.sqrt(fanIn(sd, "conv_in.bias")), 1e-15, "conv_in: fan_in = 4 * 3 * 3");
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherValues() {
        VideoUNetConfig cfg = VideoUNetGradientTest.TINY;
        Map<String, Tensor> a = new VideoUNet(cfg, DType.FLOAT32, Rng.seed(5)).namedParameters();
        Map<String, Tensor> b = new VideoUNet(cfg, DType.FLOAT32, Rng.seed(5)).namedParameters();
        Map<String, Tensor> c = new VideoUNet(cfg, DType.FLOAT32, Rng.seed(6)).namedParameters();
        for (String k : a.keySet()) assertArrayEquals(a.get(k).floats(), b.get(k).floats(), k);
        assertFalse(java.util.Arrays.equals(a.get("mid_tattn.qkv.weight").floats(), c.get("mid_tattn.qkv.weight").floats()));
    }
}
