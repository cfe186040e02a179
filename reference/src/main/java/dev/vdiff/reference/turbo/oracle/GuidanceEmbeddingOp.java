package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.diffusion.GuidanceEmbedding;
import dev.vdiff.tensor.Tensor;

import java.util.Map;

/** {@code guidance_embedding} (PAPERS.md §3.2, SPEC §1.5 {@code emb(w)}): {@link GuidanceEmbedding#embed}. */
public final class GuidanceEmbeddingOp implements OracleOp {
    @Override
    public String name() {
        return "guidance_embedding";
    }

    @Override
    public Map<String, Tensor> evaluate(Context ctx) {
        return Map.of("out", GuidanceEmbedding.embed(ctx.input("w"), ctx.integer("dim"), ctx.dtype()));
    }
}
