package dev.vdiff.diffusion.unet;

import dev.vdiff.diffusion.ClassifierFreeGuidance;
import dev.vdiff.diffusion.ClassifierFreeGuidance.Convention;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.text.CaptionTokenizer;
import dev.vdiff.diffusion.text.TextEncoderConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.vdiff.diffusion.unet.VideoUNetGradientTest.randn;
import static dev.vdiff.diffusion.unet.VideoUNetGradientTest.randomize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A caption-conditioned VideoUNet: what captions change, what they must not, guidance with the empty caption, gradients. */
class VideoUNetCaptionTest {
    static final CaptionTokenizer TOK = CaptionTokenizer.build(List.of("a red square moving left", "a blue disc moving right"), 6);
    static final VideoUNetConfig PLAIN = VideoUNetGradientTest.TINY;   // 3 classes, levels 8 / 16(s,t)
    static final VideoUNetConfig CAPTIONED = PLAIN.withText(new TextEncoderConfig(TOK.vocabSize(), TOK.maxLength(), 8, 1, 2, 1e-5));
    static final Tensor T = Tensor.ofLongs(new long[] {999, 17}, 2), Y = Tensor.ofLongs(new long[] {1, 3}, 2);

    static VideoUNet net(VideoUNetConfig cfg, long seed) {
        VideoUNet n = new VideoUNet(cfg, DType.FLOAT64, Rng.seed(seed));
        randomize(n, seed + 1);
        return n;
    }

    static Tensor caps(String... c) {
        return TOK.encodeBatch(List.of(c));
    }

    @Test
    void captionsAddParametersAndChangeNothingElse() {
        VideoUNet plain = new VideoUNet(PLAIN, DType.FLOAT32, Rng.seed(0)), captioned = new VideoUNet(CAPTIONED, DType.FLOAT32, Rng.seed(0));
        List<String> rest = new ArrayList<>();
        for (String k : captioned.namedParameters().keySet()) if (!k.startsWith("text.") && !k.contains(".cross.")) rest.add(k);
        assertEquals(new ArrayList<>(plain.namedParameters().keySet()), rest, "the plain model's names, in its order");
        assertTrue(captioned.namedParameters().keySet().containsAll(List.of("enc1_sattn.cross.to_q.weight", "mid_sattn.cross.to_k.weight",
            "dec1_sattn.cross.to_out.bias", "text.token_emb", "text.layer0.qkv.weight", "text.final_norm.weight")));
        assertEquals(PLAIN, new VideoUNetConfig(PLAIN.frames(), PLAIN.channels(), PLAIN.levels(), PLAIN.heads(), PLAIN.headDim(), PLAIN.groups(),
            PLAIN.gnEps(), PLAIN.numClasses(), PLAIN.tDim(), PLAIN.embDim(), null));
        assertFalse(PLAIN.captionConditional());
        assertTrue(CAPTIONED.describe().endsWith(" classes=3 text=V" + TOK.vocabSize() + " L6 D8 1x2"), CAPTIONED.describe());
        assertEquals(CAPTIONED.text(), CAPTIONED.withFrames(2).withNumClasses(0).text());
    }

    @Test
    void outputDependsOnTheCaptionWhenCrossAttentionIsOn() {
        VideoUNet net = net(CAPTIONED, 1);
        Tensor x = randn(DType.FLOAT64, 2, 2, 3, 2, 4, 6);
        double[] a = net.forward(x, T, Y, caps("a red square moving left", "a blue disc")).toDoubleArray();
        double[] b = net.forward(x, T, Y, caps("a blue disc moving right", "a blue disc")).toDoubleArray();
        int half = a.length / 2;
        double diff0 = 0, diff1 = 0;
        for (int i = 0; i < half; i++) {
            diff0 = Math.max(diff0, Math.abs(a[i] - b[i]));
            diff1 = Math.max(diff1, Math.abs(a[half + i] - b[half + i]));
        }
        assertTrue(diff0 > 1e-3, "video 0's caption changed, its output moved by only " + diff0);
        // Every frame of video 1 reads video 1's caption only: video 0's caption does not reach it.
        assertEquals(0.0, diff1, 0.0, "video 1 has the same caption both times");
        // Word order matters with transformer layers (positions), and unknown words are not the null caption.
        assertFalse(java.util.Arrays.equals(a, net.forward(x, T, Y, caps("left moving square red a", "a blue disc")).toDoubleArray()));
        assertFalse(java.util.Arrays.equals(net.forward(x, T, Y, caps("zebra", "")).toDoubleArray(), net.forward(x, T, Y, caps("", "")).toDoubleArray()));
    }

    @Test
    void withoutCrossAttentionThereIsNoCaptionInput() {
        VideoUNet plain = net(PLAIN, 3), captioned = net(CAPTIONED, 3);
        Tensor x = randn(DType.FLOAT64, 4, 2, 3, 2, 4, 6);
        var e = assertThrows(IllegalArgumentException.class, () -> plain.forward(x, T, Y, caps("a red square", "")));
        assertTrue(e.getMessage().contains("is not caption-conditioned"), e.getMessage());
        assertArrayEquals(plain.forward(x, T, Y).toDoubleArray(), plain.forward(x, T, Y, null).toDoubleArray(), 0.0);
        e = assertThrows(IllegalArgumentException.class, () -> captioned.forward(x, T, Y));
        assertTrue(e.getMessage().contains("captions must be int64 [2, 6]") && e.getMessage().contains("got null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> captioned.forward(x, T, Y, TOK.encodeBatch(List.of("red"))));
        assertTrue(e.getMessage().contains("got int64[1, 6]"), e.getMessage());
    }

    @Test
    void theEmptyCaptionIsTheNullConditionOfGuidance() {
        VideoUNet net = net(CAPTIONED, 5);
        Tensor x = randn(DType.FLOAT64, 6, 2, 3, 2, 4, 6);
        Tensor c = caps("a red square moving left", "a blue disc moving right");
        // The sampler's denoiser: the condition is the caption ids; the null condition needs no vocabulary.
        Denoiser model = Denoiser.of(PredictionType.EPSILON, (xx, tt, cond) -> net.forward(xx, tt, Y, cond));
        Denoiser guided = ClassifierFreeGuidance.guide(model, CaptionTokenizer.nullTokens(2, TOK.maxLength()), Convention.IMAGEN, 7.5);
        Tensor eC = net.forward(x, T, Y, c), eU = net.forward(x, T, Y, caps("", ""));
        Tensor expect = Arithmetic.add(eU, Arithmetic.mul(Arithmetic.sub(eC, eU), 7.5));   // SPEC §1.4: e_u + s (e_c - e_u)
        assertArrayEquals(expect.toDoubleArray(), guided.predict(x, T, c).toDoubleArray(), 0.0);
        // Guiding the empty caption towards itself is the unguided prediction, bit for bit.
        assertArrayEquals(eU.toDoubleArray(), guided.predict(x, T, caps("", "")).toDoubleArray(), 0.0);
        // A video's null pass does not depend on the other videos' captions (each row is its own unconditional pass).
        double[] mixed = net.forward(x, T, Y, caps("a red square", "")).toDoubleArray(), u = eU.toDoubleArray();
        for (int i = u.length / 2; i < u.length; i++) assertEquals(u[i], mixed[i], 0.0, "video 1, element " + i);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        VideoUNet net = net(CAPTIONED, 7);
        Tensor x = randn(DType.FLOAT64, 8, 2, 3, 2, 4, 6).requiresGrad(true);
        Tensor c = caps("a red square moving left", "blue disc");
        List<Tensor> leaves = new ArrayList<>(net.parameters());
        leaves.add(x);
        // All parameters (text encoder and cross-attention included) and the input, jointly along random directions.
        GradCheck.checkDirectionInPlace(() -> net.forward(x, T, Y, c), 3, 9, leaves.toArray(new Tensor[0]));
        net.zeroGrad();
        net.forward(x, T, Y, c).backward(randn(DType.FLOAT64, 10, 2, 3, 2, 4, 6));
        for (String k : List.of("text.token_emb", "text.layer0.qkv.weight", "enc1_sattn.cross.to_k.weight", "mid_sattn.cross.to_q.weight")) {
            double[] g = net.namedParameters().get(k).grad().toDoubleArray();
            assertTrue(java.util.Arrays.stream(g).anyMatch(v -> v != 0), k + " gets a gradient");
        }
    }
}
