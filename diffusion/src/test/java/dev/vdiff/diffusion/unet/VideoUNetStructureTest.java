package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter names, order, shapes and counts against docs/ORACLE.md §5.20 and docs/bench/tiny_video_unet.md §5. */
class VideoUNetStructureTest {

    /** The state dict of docs/ORACLE.md §5.20 written out by hand from its module table: name -> shape. */
    private static List<Object[]> expected(int c, int ch0, int ch1, int groups, int classes, int tDim, int emb) {
        List<Object[]> l = new ArrayList<>();
        linear(l, "time_fc1", tDim, emb);
        linear(l, "time_fc2", emb, emb);
        l.add(new Object[] {"label_emb.weight", new int[] {classes + 1, emb}});
        conv(l, "conv_in", c, ch0, 3);
        res(l, "enc0_res", ch0, ch0, emb);
        conv(l, "down0", ch0, ch0, 3);
        res(l, "enc1_res", ch0, ch1, emb);
        attn(l, "enc1_sattn", ch1);
        attn(l, "enc1_tattn", ch1);
        res(l, "mid_res1", ch1, ch1, emb);
        attn(l, "mid_sattn", ch1);
        attn(l, "mid_tattn", ch1);
        res(l, "mid_res2", ch1, ch1, emb);
        res(l, "dec1_res", 2 * ch1, ch1, emb);
        attn(l, "dec1_sattn", ch1);
        attn(l, "dec1_tattn", ch1);
        conv(l, "up1_conv", ch1, ch1, 3);
        res(l, "dec0_res", ch1 + ch0, ch0, emb);
        norm(l, "out_norm", ch0);
        conv(l, "out_conv", ch0, c, 3);
        return l;
    }

    private static void linear(List<Object[]> l, String p, int in, int out) {
        l.add(new Object[] {p + ".weight", new int[] {out, in}});
        l.add(new Object[] {p + ".bias", new int[] {out}});
    }

    private static void conv(List<Object[]> l, String p, int in, int out, int k) {
        l.add(new Object[] {p + ".weight", new int[] {out, in, k, k}});
        l.add(new Object[] {p + ".bias", new int[] {out}});
    }

    private static void norm(List<Object[]> l, String p, int ch) {
        l.add(new Object[] {p + ".weight", new int[] {ch}});
        l.add(new Object[] {p + ".bias", new int[] {ch}});
    }

    private static void res(List<Object[]> l, String p, int in, int out, int emb) {
        norm(l, p + ".norm1", in);
        conv(l, p + ".conv1", in, out, 3);
        linear(l, p + ".emb_proj", emb, out);
        norm(l, p + ".norm2", out);
        conv(l, p + ".conv2", out, out, 3);
        if (in != out) conv(l, p + ".skip", in, out, 1);
    }

    private static void attn(List<Object[]> l, String p, int ch) {
        norm(l, p + ".norm", ch);
        linear(l, p + ".qkv", ch, 3 * ch);
        linear(l, p + ".proj", ch, ch);
    }

    private static void assertStateDict(List<Object[]> want, Map<String, Tensor> got) {
        List<String> names = new ArrayList<>(got.keySet());
        assertEquals(want.size(), names.size(), "tensor count; got " + names);
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i)[0], names.get(i), "name of tensor " + i);
            assertArrayEquals((int[]) want.get(i)[1], got.get(names.get(i)).shape(), "shape of " + names.get(i));
        }
    }

    @Test
    void benchmarkHas2369220ParametersIn117Tensors() {
        VideoUNet net = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, Rng.seed(0));
        assertEquals(2_369_220L, net.parameterCount());
        assertEquals(117, net.namedParameters().size());
        assertStateDict(expected(4, 64, 128, 32, 10, 64, 256), net.namedParameters());
    }

    @Test
    void perModuleCountsMatchTheBenchmarkTable() {
        // docs/bench/tiny_video_unet.md §5, column "count".
        Map<String, Long> table = Map.ofEntries(Map.entry("time_fc1", 16_640L), Map.entry("time_fc2", 65_792L), Map.entry("label_emb", 2_816L),
            Map.entry("conv_in", 2_368L), Map.entry("enc0_res", 90_560L), Map.entry("down0", 36_928L), Map.entry("enc1_res", 263_040L),
            Map.entry("enc1_sattn", 66_304L), Map.entry("enc1_tattn", 66_304L), Map.entry("mid_res1", 328_576L), Map.entry("mid_sattn", 66_304L),
            Map.entry("mid_tattn", 66_304L), Map.entry("mid_res2", 328_576L), Map.entry("dec1_res", 509_184L), Map.entry("dec1_sattn", 66_304L),
            Map.entry("dec1_tattn", 66_304L), Map.entry("up1_conv", 147_584L), Map.entry("dec0_res", 176_896L), Map.entry("out_norm", 128L),
            Map.entry("out_conv", 2_308L));
        Map<String, Long> got = new java.util.LinkedHashMap<>();
        for (var e : new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, Rng.seed(0)).namedParameters().entrySet()) {
            got.merge(e.getKey().substring(0, e.getKey().indexOf('.')), (long) e.getValue().numel(), Long::sum);
        }
        assertEquals(table, got);
    }

    @Test
    void equalChannelsDropTheEncoderSkipConv() {
        VideoUNetConfig cfg = VideoUNetConfig.twoLevel(8, 4, 128, 128, 4, 32, 32, 1e-5, 10, 64, 256);
        VideoUNet net = new VideoUNet(cfg, DType.FLOAT64, Rng.seed(0));
        // 117 minus skip.weight and skip.bias. (docs/ORACLE.md §5.20 says "116 if ch0 = ch1", but a 1x1 conv is two
        // tensors; the hand-written state dict below, built from its own module table, has 115.)
        assertEquals(115, net.namedParameters().size());
        assertFalse(net.namedParameters().containsKey("enc1_res.skip.weight"));
        assertStateDict(expected(4, 128, 128, 32, 10, 64, 256), net.namedParameters());
    }

    @Test
    void namesAndOrderMatchThePyTorchWeightFile() throws IOException {
        // The suite writes safetensors members in PyTorch's parameter order (docs/ORACLE.md §2.1).
        @SuppressWarnings("unchecked")
        Map<String, Object> attrs = (Map<String, Object>) GoldenFiles.manifestCase(GoldenFiles.SUITE, "tiny_video_unet_01").get("attrs");
        Map<String, Tensor> file = GoldenFiles.safetensors(GoldenFiles.SUITE.resolve((String) attrs.get("weights_float64")));
        VideoUNet net = new VideoUNet(VideoUNetGoldenTest.configOf(attrs), DType.FLOAT64, Rng.seed(0));
        assertEquals(new ArrayList<>(file.keySet()), new ArrayList<>(net.namedParameters().keySet()));
        for (var e : file.entrySet()) assertArrayEquals(e.getValue().shape(), net.namedParameters().get(e.getKey()).shape(), e.getKey());
    }

    @Test
    void unconditionalModelHasNoLabelTable() {
        VideoUNet net = new VideoUNet(VideoUNetConfig.benchmark().withNumClasses(0), DType.FLOAT32, Rng.seed(0));
        assertEquals(2_369_220L - 2_816, net.parameterCount());
        assertFalse(net.namedParameters().containsKey("label_emb.weight"));
    }

    @Test
    void configErrorsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> VideoUNetConfig.twoLevel(8, 4, 64, 128, 4, 16, 32, 1e-5, 10, 64, 256));
        assertTrue(e.getMessage().contains("heads * headDim = 4 * 16 = 64") && e.getMessage().contains("128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VideoUNetConfig.twoLevel(8, 4, 64, 128, 4, 32, 48, 1e-5, 10, 64, 256));
        assertTrue(e.getMessage().contains("groups = 48"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VideoUNetConfig.twoLevel(8, 4, 64, 128, 4, 32, 32, 1e-5, 10, 63, 256));
        assertTrue(e.getMessage().contains("tDim"), e.getMessage());
    }

    @Test
    void loadRejectsAWrongStateDict() {
        VideoUNet net = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, Rng.seed(0));
        Map<String, Tensor> sd = new java.util.LinkedHashMap<>(net.stateDict());
        sd.remove("mid_tattn.qkv.weight");
        var e = assertThrows(IllegalArgumentException.class, () -> VideoUNet.load(VideoUNetConfig.benchmark(), sd));
        assertTrue(e.getMessage().contains("missing 'mid_tattn.qkv.weight'"), e.getMessage());
    }
}
