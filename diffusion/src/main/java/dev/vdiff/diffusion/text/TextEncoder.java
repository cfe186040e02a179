package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.LayerNorm;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.random.Rng;

/**
 * A small caption encoder of our own, trained together with the UNet: the stand-in for VideoCrafter2's frozen
 * OpenCLIP ViT-H/14 text tower (SPEC §1.7: 77 tokens of 1024 features from its penultimate layer). [RECONSTRUCTED]
 * A pretrained CLIP is out of reach for a from-scratch JVM reference (weights, BPE tables); what the UNet needs
 * from it is the same interface: per-token features {@code [B, L, D_text]} and which tokens are padding.
 *
 * <pre>
 * ids  = CaptionTokenizer.encode(caption)                 [B, L] int64 (START, words, PAD ..)
 * mask = ids != PAD                                       [B, L]
 * h    = token_emb[ids] + pos_emb[0 .. L-1]               [B, L, D]
 * h    = layer_{n-1}( .. layer_0(h, mask) .. )            pre-norm transformer layers ({@link TextEncoderLayer})
 *        or, with 0 layers, h = sum_j mask_j h_j / sum_j mask_j   [B, 1, D] (a pooled bag of words; mask = 1)
 * out  = final_norm(h)                                    [B, L, D] or [B, 1, D]
 * </pre>
 *
 * Initialisation as CLIP's text tower: {@code token_emb ~ N(0, 0.02^2)}, {@code pos_emb ~ N(0, 0.01^2)}, linear
 * layers PyTorch's default, LayerNorms (1, 0). Parameters in order: {@code token_emb, pos_emb, layer0 .. layer{n-1},
 * final_norm}.
 *
 * <pre>{@code
 * CaptionTokenizer tok = CaptionTokenizer.build(captions, 16);
 * TextEncoder enc = new TextEncoder(TextEncoderConfig.small(tok), DType.FLOAT32, Rng.seed(0));
 * TextFeatures c = enc.forward(tok.encodeBatch(List.of("a red square moving left", "")));   // [2, 16, 64], mask [2, 16]
 * }</pre>
 */
public final class TextEncoder extends Module {
    private final TextEncoderConfig cfg;
    private final Tensor tokenEmb, posEmb;   // [V, D], [L, D]
    private final TextEncoderLayer[] layers;
    private final LayerNorm finalNorm;

    public TextEncoder(TextEncoderConfig cfg, DType dtype, Rng rng) {
        if (!dtype.isFloat()) throw new IllegalArgumentException("TextEncoder: parameters must be float32 or float64, got " + dtype);
        this.cfg = cfg;
        tokenEmb = param("token_emb", rng.normal(0, 0.02, dtype, cfg.vocabSize(), cfg.dim()));
        posEmb = param("pos_emb", rng.normal(0, 0.01, dtype, cfg.maxLength(), cfg.dim()));
        layers = new TextEncoderLayer[cfg.layers()];
        for (int i = 0; i < layers.length; i++) layers[i] = child("layer" + i, new TextEncoderLayer(cfg, dtype, rng));
        finalNorm = child("final_norm", new LayerNorm(cfg.dim(), cfg.lnEps(), true, dtype));
    }

    public TextEncoderConfig config() {
        return cfg;
    }

    /**
     * @param ids caption token ids, int64 {@code [B, L]} as {@link CaptionTokenizer#encodeBatch} writes them, with
     *            {@code L = maxLength}, every id in {@code 0..V-1} and at least one non-padding id per row
     * @return the token features and their mask
     */
    public TextFeatures forward(Tensor ids) {
        check(ids);
        int b = ids.shape(0), l = ids.shape(1), d = cfg.dim();
        Tensor mask = CaptionTokenizer.paddingMask(ids);                       // [B, L]
        Tensor h = Arithmetic.add(Embeddings.lookup(tokenEmb, ids), posEmb);    // [B, L, D] + [L, D]
        if (layers.length == 0) {
            // Pooled: weights mask_j / sum_j mask_j as a [B, 1, L] matrix times h [B, L, D] -> [B, 1, D].
            long[] m = mask.longs();
            double[] w = new double[b * l];
            for (int i = 0; i < b; i++) {
                int count = 0;
                for (int j = 0; j < l; j++) count += (int) m[i * l + j];
                for (int j = 0; j < l; j++) w[i * l + j] = m[i * l + j] / (double) count;
            }
            Tensor pooled = LinearAlgebra.matmul(Tensor.of(w, b, 1, l).to(h.dtype()), h);   // [B, 1, D]
            return new TextFeatures(finalNorm.forward(pooled), Tensor.ofLongs(filled(b), b, 1));
        }
        Tensor keyMask = mask.reshape(b, 1, 1, l);                              // [B, L] -> [B, 1, 1, L]: every query, every head
        for (TextEncoderLayer layer : layers) h = layer.forward(h, keyMask);
        return new TextFeatures(finalNorm.forward(h), mask);
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private void check(Tensor ids) {
        if (ids == null || ids.dtype() != DType.INT64 || ids.rank() != 2 || ids.shape(0) < 1 || ids.shape(1) != cfg.maxLength()) {
            throw new IllegalArgumentException("TextEncoder: caption ids must be int64 [B, " + cfg.maxLength() + "] (CaptionTokenizer.encodeBatch), got "
                + (ids == null ? "null" : ids.dtype() + Shape.str(ids.shape())));
        }
        long[] v = ids.contiguous().longs();
        int l = cfg.maxLength();
        for (int i = 0; i < ids.shape(0); i++) {
            boolean any = false;
            for (int j = 0; j < l; j++) {
                long id = v[i * l + j];
                if (id < 0 || id >= cfg.vocabSize()) {
                    throw new IllegalArgumentException("TextEncoder: caption id [" + i + ", " + j + "] = " + id + " outside the vocabulary 0.." + (cfg.vocabSize() - 1));
                }
                any |= id != CaptionTokenizer.PAD;
            }
            if (!any) throw new IllegalArgumentException("TextEncoder: caption row " + i + " is all padding; even the empty caption has its start token (CaptionTokenizer.encode)");
        }
    }
}
