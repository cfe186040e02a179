package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

/**
 * The residual block of docs/ORACLE.md §5.20 ({@code ResBlock(i->o)}), run on every frame on its own, with the
 * video's time/label embedding added as a per-channel bias between the two convolutions:
 *
 * <pre>
 * u   = conv1( SiLU( norm1(h) ) )                 statistics per frame row
 * u[n] += emb_proj( SiLU(e) )[n div F]           row n = b*F + f gets the row of its video b
 * u   = conv2( SiLU( norm2(u) ) )
 * out = skip(h) + u                               skip = 1x1 conv if i != o, identity otherwise
 * </pre>
 *
 * Parameters in PyTorch order: {@code norm1, conv1, emb_proj, norm2, conv2[, skip]}.
 */
public final class ResBlock extends Module {
    private final GroupNorm norm1, norm2;
    private final Conv2d conv1, conv2, skip;
    private final Linear embProj;
    private final int out;

    /** Layers are created, and their initial values drawn from {@code rng}, in PyTorch's parameter order. */
    ResBlock(DType dtype, int in, int out, VideoUNetConfig cfg, Rng rng) {
        this.out = out;
        norm1 = child("norm1", new GroupNorm(cfg.groups(), in, cfg.gnEps(), true, dtype));
        conv1 = child("conv1", new Conv2d(in, out, 3, 3, 1, 1, true, dtype, rng));
        embProj = child("emb_proj", new Linear(cfg.embDim(), out, true, dtype, rng));
        norm2 = child("norm2", new GroupNorm(cfg.groups(), out, cfg.gnEps(), true, dtype));
        conv2 = child("conv2", new Conv2d(out, out, 3, 3, 1, 1, true, dtype, rng));
        skip = in != out ? child("skip", new Conv2d(in, out, 1, 1, 1, 0, true, dtype, rng)) : null;
    }

    /**
     * @param h frames {@code [N, in, R1, R2]}, {@code N = B*F}
     * @param e the embedding {@code [B, embDim]}, one row per video
     * @return {@code [N, out, R1, R2]}
     */
    public Tensor forward(Tensor h, Tensor e) {
        int n = h.shape(0), r1 = h.shape(2), r2 = h.shape(3), b = e.shape(0);
        Tensor u = conv1.forward(Pointwise.silu(norm1.forward(h)));          // [N, o, R1, R2]
        Tensor p = embProj.forward(Pointwise.silu(e));                        // [B, o]
        // [N, o, R1, R2] -> [B, F, o, R1, R2] (frame rows of one video are adjacent) + [B, 1, o, 1, 1]
        u = Arithmetic.add(u.reshape(b, n / b, out, r1, r2), p.reshape(b, 1, out, 1, 1));
        u = u.reshape(n, out, r1, r2);                                        // back to [N, o, R1, R2]
        u = conv2.forward(Pointwise.silu(norm2.forward(u)));
        return Arithmetic.add(skip == null ? h : skip.forward(h), u);
    }
}
