package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thread-count independence, input validation and the temporal-attention hook. */
class VideoUNetBehaviourTest {
    private static final VideoUNetConfig CFG = VideoUNetGradientTest.TINY;   // F=3, C=2, channels 8/16
    private static final Tensor T = Tensor.ofLongs(new long[] {999, 5}, 2);
    private static final Tensor Y = Tensor.ofLongs(new long[] {0, 3}, 2);

    /** Output, input gradient and every parameter gradient, as raw bits. */
    private static Map<String, Object> run(VideoUNet net, Tensor x0, Tensor up) {
        net.zeroGrad();
        Tensor x = x0.copy().requiresGrad(true);
        Tensor out = net.forward(x, T, Y);
        out.backward(up);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("out", out.contiguous().floats().clone());
        r.put("grads.x", x.grad().floats().clone());
        for (var e : net.namedParameters().entrySet()) r.put(e.getKey(), e.getValue().grad().contiguous().floats().clone());
        return r;
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        // A wider model than TINY, so that the kernels' loops are long enough to be split between threads.
        VideoUNetConfig cfg = VideoUNetConfig.twoLevel(4, 4, 32, 64, 2, 32, 8, 1e-5, 10, 64, 256);
        VideoUNet net = new VideoUNet(cfg, DType.FLOAT32, Rng.seed(0));
        VideoUNetGradientTest.randomize(net, 7);
        Tensor x = VideoUNetGradientTest.randn(DType.FLOAT32, 8, 2, 4, 4, 16, 16);
        Tensor up = VideoUNetGradientTest.randn(DType.FLOAT32, 9, 2, 4, 4, 16, 16);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Map<String, Object> one = run(net, x, up);
            Parallel.setThreads(2);
            Map<String, Object> two = run(net, x, up);
            for (String k : one.keySet()) assertArrayEquals((float[]) one.get(k), (float[]) two.get(k), k + " differs between 1 and 2 threads");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void wrongInputShapesNameTheShapeAndTheConfig() {
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT64, Rng.seed(0));
        Tensor wrongFrames = Tensor.zeros(DType.FLOAT64, 2, 4, 2, 4, 6);
        var e = assertThrows(IllegalArgumentException.class, () -> net.forward(wrongFrames, T, Y));
        assertTrue(e.getMessage().contains("[2, 4, 2, 4, 6]") && e.getMessage().contains("F=3") && e.getMessage().contains("[B, F, 2, H, W] with 1 <= F <= 3"), e.getMessage());
        Tensor oddHeight = Tensor.zeros(DType.FLOAT64, 2, 3, 2, 5, 6);
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(oddHeight, T, Y));
        assertTrue(e.getMessage().contains("multiples of 2"), e.getMessage());
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3, 2, 4, 6);
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, Tensor.ofLongs(new long[] {1}, 1), Y));
        assertTrue(e.getMessage().contains("t must be int64 [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, T, Tensor.ofLongs(new long[] {0, 4}, 2)));
        assertTrue(e.getMessage().contains("y[1] = 4 outside 0..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(x.to(DType.FLOAT32), T, Y));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void hookSeesEveryTemporalLayerWithRowsSummingToOne() {
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT64, Rng.seed(0));
        VideoUNetGradientTest.randomize(net, 11);
        List<String> layers = new ArrayList<>();
        List<Tensor> probs = new ArrayList<>();
        net.setTemporalAttentionHook((layer, p) -> {
            layers.add(layer);
            probs.add(p);
        });
        Tensor x = VideoUNetGradientTest.randn(DType.FLOAT64, 12, 2, 3, 2, 4, 6);
        try (var s = Autograd.noGrad()) {
            net.forward(x, T, Y);
        }
        assertEquals(List.of("enc1_tattn", "mid_tattn", "dec1_tattn"), layers);
        for (Tensor p : probs) {
            // S = B * (H/2) * (W/2) = 2 * 2 * 3 sequences, 2 heads, 3 x 3 frames
            assertArrayEquals(new int[] {12, 2, 3, 3}, p.shape());
            double[] v = p.toDoubleArray();
            double[] rowSums = new double[v.length / 3], ones = new double[v.length / 3];
            for (int i = 0; i < v.length; i++) rowSums[i / 3] += v[i];
            java.util.Arrays.fill(ones, 1.0);
            Close.assertClose(rowSums, ones, 1e-12, 1e-12);
        }
        net.setTemporalAttentionHook(null);
    }

    @Test
    void hookProbabilitiesAreDifferentiableWithRespectToTheInput() {
        // The motion-guidance energy differentiates a function of the probabilities back to the video.
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT64, Rng.seed(0));
        VideoUNetGradientTest.randomize(net, 13);
        List<Tensor> probs = new ArrayList<>();
        net.setTemporalAttentionHook((layer, p) -> probs.add(p));
        Tensor x = VideoUNetGradientTest.randn(DType.FLOAT64, 14, 2, 3, 2, 4, 6).requiresGrad(true);
        net.forward(x, T, Y);
        Tensor last = probs.get(probs.size() - 1);
        Arithmetic.mul(last, last).backward(VideoUNetGradientTest.randn(DType.FLOAT64, 15, last.shape()));
        assertNotNull(x.grad());
        double norm = 0;
        for (double g : x.grad().toDoubleArray()) norm += g * g;
        assertTrue(norm > 0, "the probabilities' energy reaches x");
    }

    /**
     * A clip with fewer frames than configured (TPDiff's coarse stages, SPEC §5.1) gives exactly what a model built
     * for that frame count with the same weights gives (the weights do not depend on F; only the constant position
     * table does, and its first rows are the same): checked against a separately constructed 2-frame and 1-frame model.
     */
    @Test
    void fewerFramesEqualAModelBuiltForThatFrameCount() {
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT32, Rng.seed(0));
        VideoUNetGradientTest.randomize(net, 21);
        for (int f : new int[] {2, 1}) {
            VideoUNetConfig shorter = new VideoUNetConfig(f, CFG.channels(), CFG.levels(), CFG.heads(), CFG.headDim(), CFG.groups(), CFG.gnEps(),
                CFG.numClasses(), CFG.tDim(), CFG.embDim());
            VideoUNet other = VideoUNet.load(shorter, net.stateDict());
            Tensor x = VideoUNetGradientTest.randn(DType.FLOAT32, 22 + f, 2, f, 2, 4, 6);
            Tensor a = net.forward(x, T, Y), b = other.forward(x, T, Y);
            assertArrayEquals(new int[] {2, f, 2, 4, 6}, a.shape());
            assertArrayEquals(b.contiguous().floats(), a.contiguous().floats(), f + " frames");
        }
        // The full clip still differs from running its frames separately: the temporal attention mixes them.
        Tensor full = VideoUNetGradientTest.randn(DType.FLOAT32, 30, 2, 3, 2, 4, 6);
        Tensor whole = net.forward(full, T, Y), firstTwo = net.forward(full.narrow(1, 0, 2).contiguous(), T, Y);
        assertTrue(!java.util.Arrays.equals(whole.narrow(1, 0, 2).contiguous().floats(), firstTwo.contiguous().floats()), "frame 2 influences frames 0-1");
    }

    /** Continuous (float) times: integer-valued float times give the int64 output bit for bit; a fractional time lies between. */
    @Test
    void floatTimesWithIntegerValuesGiveTheInt64Output() {
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT32, Rng.seed(0));
        VideoUNetGradientTest.randomize(net, 31);
        Tensor x = VideoUNetGradientTest.randn(DType.FLOAT32, 32, 2, 3, 2, 4, 6);
        float[] ref = net.forward(x, T, Y).contiguous().floats();
        assertArrayEquals(ref, net.forward(x, Tensor.of(new float[] {999f, 5f}, 2), Y).contiguous().floats());
        assertArrayEquals(ref, net.forward(x, Tensor.of(new double[] {999, 5}, 2), Y).contiguous().floats());
        float[] frac = net.forward(x, Tensor.of(new float[] {998.5f, 5f}, 2), Y).contiguous().floats();
        assertTrue(!java.util.Arrays.equals(ref, frac), "a fractional time is embedded as such, not rounded");
    }

    @Test
    void tooManyFramesAreRejected() {
        VideoUNet net = new VideoUNet(CFG, DType.FLOAT64, Rng.seed(0));
        var e = assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(DType.FLOAT64, 2, 4, 2, 4, 6), T, Y));
        assertTrue(e.getMessage().contains("1 <= F <= 3"), e.getMessage());
    }
}
