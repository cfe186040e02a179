package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.Tensor;

import java.util.Map;

/** {@code lcm_timesteps} (PAPERS.md §3.1, SPEC §1.5): {@link Timesteps#lcm}, output int64 {@code timesteps [n]}. */
public final class LcmTimestepsOp implements OracleOp {
    @Override
    public String name() {
        return "lcm_timesteps";
    }

    @Override
    public Map<String, Tensor> evaluate(Context ctx) {
        int[] t = Timesteps.lcm(ctx.integer("num_inference_steps"), ctx.integer("origin_steps"), ctx.integer("num_train_timesteps"));
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) out[i] = t[i];
        return Map.of("timesteps", Tensor.ofLongs(out, out.length));
    }
}
