package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

/**
 * TQD's op of the papers suite (oracle/papers PAPERS.md §3.11), {@code tqd_timestep_law}, by {@link TimestepLaw}:
 * the shapes {@code alpha, beta} of each (mq, vq) pair and the law's own (unclamped) quantiles
 * {@link TimestepLaw#inverseCdf}. In float32 the scores arrive float32-rounded and the law is evaluated in double
 * from them, then rounded (a scalar special function: FORMAT.md §4's higher-precision accumulation).
 */
public final class TqdOps implements OpFamily {

    @Override
    public void register(OpRegistry r) {
        r.register("tqd_timestep_law", ctx -> {
            Attrs at = ctx.attrs();
            if (at.real("min_shape") != TimestepLaw.MIN_SHAPE) {
                throw new IllegalArgumentException("case " + ctx.oracleCase().id() + ": min_shape " + at.real("min_shape") + " differs from TimestepLaw.MIN_SHAPE " + TimestepLaw.MIN_SHAPE);
            }
            TqdConfig config = new TqdConfig(at.real("kappa_base"), at.real("kappa_max"));
            double[] mq = ctx.input("mq").toDoubleArray(), vq = ctx.input("vq").toDoubleArray(), q = ctx.input("q").toDoubleArray();
            int n = mq.length;
            double[] alpha = new double[n], beta = new double[n], ppf = new double[n * q.length];
            for (int i = 0; i < n; i++) {
                TimestepLaw law = TimestepLaw.of(mq[i], vq[i], config);
                alpha[i] = law.alpha();
                beta[i] = law.beta();
                for (int j = 0; j < q.length; j++) ppf[i * q.length + j] = law.inverseCdf(q[j]);   // [N, Q], row-major
            }
            DType d = ctx.dtype();
            return Evaluation.of("alpha", Tensor.of(alpha, n).to(d), "beta", Tensor.of(beta, n).to(d), "ppf", Tensor.of(ppf, n, q.length).to(d));
        });
    }
}
