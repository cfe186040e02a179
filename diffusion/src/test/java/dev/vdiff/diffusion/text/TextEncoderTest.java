package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextEncoderTest {
    static final CaptionTokenizer TOK = CaptionTokenizer.build(List.of("a red square moving left", "a blue disc moving right fast"), 5);
    static final Tensor IDS = TOK.encodeBatch(List.of("red square left", "a blue disc moving right", ""));   // 3, 5 and 1 real ids

    /** Every parameter moved off its initial value (LayerNorms near (1, 0)), so that all of them matter. */
    static void randomize(TextEncoder enc, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : enc.namedParameters().entrySet()) {
            double[] v = e.getValue().doubles();
            boolean ln = e.getKey().contains("ln") || e.getKey().contains("norm");
            for (int i = 0; i < v.length; i++) {
                double u = r.nextDouble() * 2 - 1;
                v[i] = ln ? (e.getKey().endsWith("weight") ? 1 : 0) + 0.2 * u : 0.5 * u;
            }
        }
    }

    static TextEncoder encoder(int layers, long seed) {
        TextEncoder enc = new TextEncoder(new TextEncoderConfig(TOK.vocabSize(), TOK.maxLength(), 8, layers, 2, 1e-5), DType.FLOAT64, Rng.seed(seed));
        randomize(enc, seed + 1);
        return enc;
    }

    @Test
    void shapesMaskAndParameterNames() {
        TextEncoder enc = encoder(2, 1);
        TextFeatures f = enc.forward(IDS);
        assertArrayEquals(new int[] {3, 5, 8}, f.features().shape());
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, f.mask().longs());
        assertEquals(List.of("token_emb", "pos_emb", "layer0.ln1.weight", "layer0.ln1.bias", "layer0.qkv.weight", "layer0.qkv.bias", "layer0.proj.weight",
            "layer0.proj.bias", "layer0.ln2.weight", "layer0.ln2.bias", "layer0.fc1.weight", "layer0.fc1.bias", "layer0.fc2.weight", "layer0.fc2.bias"),
            enc.namedParameters().keySet().stream().limit(14).toList());
        assertTrue(enc.namedParameters().containsKey("layer1.fc2.bias") && enc.namedParameters().containsKey("final_norm.bias"));
        TextFeatures pooled = encoder(0, 1).forward(IDS);
        assertArrayEquals(new int[] {3, 1, 8}, pooled.features().shape());
        assertArrayEquals(new long[] {1, 1, 1}, pooled.mask().longs());
    }

    @Test
    void gradientsMatchCentralDifferencesWithTransformerLayers() {
        TextEncoder enc = encoder(2, 3);
        // Every element of the embeddings (scatter-add, padding rows) and of the last layer's attention; every
        // parameter jointly along random directions (an element-wise check of all ~1,800 takes seconds).
        var p = enc.namedParameters();
        GradCheck.checkInPlace(() -> enc.forward(IDS).features(), p.get("token_emb"), p.get("pos_emb"), p.get("layer1.qkv.weight"), p.get("layer1.proj.bias"));
        GradCheck.checkDirectionInPlace(() -> enc.forward(IDS).features(), 6, 31, enc.parameters().toArray(new Tensor[0]));
    }

    @Test
    void gradientsMatchCentralDifferencesPooled() {
        TextEncoder enc = encoder(0, 5);
        GradCheck.checkInPlace(() -> enc.forward(IDS).features(), enc.parameters().toArray(new Tensor[0]));
    }

    @Test
    void pooledFeatureIsTheLayerNormOfTheMeanOfTheCaptionsEmbeddings() {
        // Independent formula, written out in doubles: mean over the real tokens of token_emb[id] + pos_emb[j], then LayerNorm.
        TextEncoder enc = encoder(0, 7);
        var p = enc.namedParameters();
        double[] tok = p.get("token_emb").doubles(), pos = p.get("pos_emb").doubles(), g = p.get("final_norm.weight").doubles(), bta = p.get("final_norm.bias").doubles();
        long[] ids = IDS.longs();
        int d = 8, l = 5;
        double[] expect = new double[3 * d];
        for (int b = 0; b < 3; b++) {
            double[] m = new double[d];
            int count = 0;
            for (int j = 0; j < l; j++) {
                int id = (int) ids[b * l + j];
                if (id == CaptionTokenizer.PAD) continue;
                count++;
                for (int k = 0; k < d; k++) m[k] += tok[id * d + k] + pos[j * d + k];
            }
            double mu = 0, var = 0;
            for (int k = 0; k < d; k++) mu += (m[k] /= count) / d;
            for (int k = 0; k < d; k++) var += (m[k] - mu) * (m[k] - mu) / d;
            for (int k = 0; k < d; k++) expect[b * d + k] = (m[k] - mu) / Math.sqrt(var + 1e-5) * g[k] + bta[k];
        }
        Close.assertClose(enc.forward(IDS).features().toDoubleArray(), expect, 1e-12, 1e-12);
    }

    @Test
    void paddingDoesNotReachTheRealTokens() {
        // Position rows that only padding occupies are read by nothing a real token sees: changing pos_emb row 4
        // changes no real token of row 0 (4 real ids, position 4 is padding) and nothing at all of the null row 2.
        TextEncoder enc = encoder(2, 9);
        double[] before = enc.forward(IDS).features().toDoubleArray();
        double[] pos = enc.namedParameters().get("pos_emb").doubles();
        for (int k = 0; k < 8; k++) pos[4 * 8 + k] += 3.0;
        double[] after = enc.forward(IDS).features().toDoubleArray();
        for (int j = 0; j < 4; j++) for (int k = 0; k < 8; k++) assertEquals(before[j * 8 + k], after[j * 8 + k], 0.0, "row 0 token " + j);
        assertEquals(before[2 * 40], after[2 * 40], 0.0, "the null caption's start token");
        boolean changed = false;
        for (int k = 0; k < 8; k++) changed |= before[40 + 4 * 8 + k] != after[40 + 4 * 8 + k];
        assertTrue(changed, "row 1 uses position 4 (five real ids)");
    }

    @Test
    void rejectsBadIds() {
        TextEncoder enc = encoder(1, 11);
        var e = assertThrows(IllegalArgumentException.class, () -> enc.forward(Tensor.ofLongs(new long[] {2, 99, 0, 0, 0}, 1, 5)));
        assertTrue(e.getMessage().contains("caption id [0, 1] = 99 outside the vocabulary 0.." + (TOK.vocabSize() - 1)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.forward(Tensor.ofLongs(new long[5], 1, 5)));
        assertTrue(e.getMessage().contains("row 0 is all padding"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.forward(Tensor.ofLongs(new long[] {2, 0, 0}, 1, 3)));
        assertTrue(e.getMessage().contains("int64 [B, 5]"), e.getMessage());
        try (var s = Autograd.noGrad()) {
            assertTrue(enc.forward(CaptionTokenizer.nullTokens(2, 5)).features().rank() == 3);
        }
    }
}
