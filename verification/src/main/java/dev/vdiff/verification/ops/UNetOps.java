package dev.vdiff.verification.ops;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Context;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

import java.io.IOException;
import java.util.Map;

/**
 * {@code tiny_video_unet} (docs/ORACLE.md §5.20): the whole pseudo-3D video UNet, built with the case's
 * sizes ({@code F, C, ch0, ch1, heads, head_dim, groups, gn_eps, num_classes, t_dim, emb_dim}; {@code B, H, W}
 * come from {@code x}) and loaded from the case's weight file of the evaluation precision
 * ({@code weights_float64} or {@code weights_float32}). Output {@code out}; the model's parameters are handed
 * to the runner, which compares their gradients with the {@code param_grads} file.
 */
public final class UNetOps {
    private UNetOps() {}

    public static void register(OpRegistry r) {
        r.register("tiny_video_unet", UNetOps::tinyVideoUnet);
    }

    static Evaluation tinyVideoUnet(Context ctx) throws IOException {
        Attrs a = ctx.attrs();
        VideoUNetConfig cfg = VideoUNetConfig.twoLevel(a.integer("F"), a.integer("C"), a.integer("ch0"), a.integer("ch1"),
            a.integer("heads"), a.integer("head_dim"), a.integer("groups"), a.real("gn_eps"), a.integer("num_classes"),
            a.integer("t_dim"), a.integer("emb_dim"));
        String role = ctx.dtype() == DType.FLOAT64 ? "weights_float64" : "weights_float32";
        VideoUNet net = VideoUNet.load(cfg, Safetensors.read(ctx.file(role)), ctx.dtype());
        Tensor x = ctx.input("x");
        int[] want = {a.integer("B"), a.integer("F"), a.integer("C"), a.integer("H"), a.integer("W")};
        if (!java.util.Arrays.equals(x.shape(), want)) {
            throw new IllegalArgumentException("tiny_video_unet: x has shape " + java.util.Arrays.toString(x.shape()) + " but the attrs say " + java.util.Arrays.toString(want));
        }
        Tensor out = net.forward(x, ctx.integerInput("t"), ctx.integerInput("y"));
        return new Evaluation(Map.of("out", out), net.namedParameters());
    }
}
