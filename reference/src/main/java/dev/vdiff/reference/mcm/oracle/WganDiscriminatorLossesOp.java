package dev.vdiff.reference.mcm.oracle;

import dev.vdiff.reference.mcm.AdversarialLoss;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The papers-suite op {@code wgan_discriminator_losses} (PAPERS.md §3.7, SPEC §4.4) evaluated with
 * {@link AdversarialLoss}: a two-layer MLP critic {@code D(x) = w2 . act(w1 x + b1) + b2} stands in for MCM's
 * feature heads; inputs {@code real, fake [B, d]}, {@code alpha [B, 1]}, {@code w1 [h, d]}, {@code b1 [h]},
 * {@code w2 [h]}, {@code b2 []}; attrs {@code activation} (leaky_relu with slope 0.2, or silu) and
 * {@code lambda_gp}; outputs {@code loss_d}, {@code gradient_penalty}, {@code loss_g}. The gradients of all
 * seven inputs include the second-order path through the penalty's gradient. Shaped like the verification
 * module's {@code OpEvaluator}.
 */
public final class WganDiscriminatorLossesOp {
    private WganDiscriminatorLossesOp() {}

    public static final String OP = "wgan_discriminator_losses";

    public static Map<String, Tensor> evaluate(Map<String, Tensor> inputs, Map<String, Object> attrs) {
        Tensor real = OpInputs.required(OP, inputs, "real"), fake = OpInputs.required(OP, inputs, "fake"), alpha = OpInputs.required(OP, inputs, "alpha");
        Tensor w1 = OpInputs.required(OP, inputs, "w1"), b1 = OpInputs.required(OP, inputs, "b1");
        Tensor w2 = OpInputs.required(OP, inputs, "w2"), b2 = OpInputs.required(OP, inputs, "b2");
        String activation = OpInputs.string(OP, attrs, "activation");
        UnaryOperator<Tensor> act;
        switch (activation) {
            case "leaky_relu": act = p -> Rectifiers.leakyRelu(p, 0.2); break;
            case "silu": act = Pointwise::silu; break;
            default: throw new IllegalArgumentException(OP + ": unknown activation '" + activation + "'; expected leaky_relu or silu");
        }
        int h = w2.shape(0);
        // D(x) = w2 . act(w1 x + b1) + b2, per row: [B, d] -> [B, h] -> [B, 1]
        UnaryOperator<Tensor> critic = x -> Arithmetic.add(LinearAlgebra.linear(act.apply(LinearAlgebra.linear(x, w1, b1)), w2.reshape(1, h), null), b2);
        Tensor dReal = critic.apply(real), dFake = critic.apply(fake);
        Tensor gp = AdversarialLoss.gradientPenalty(critic, AdversarialLoss.interpolate(real, fake, alpha));
        Tensor lossD = Arithmetic.add(AdversarialLoss.WGAN.discriminator(dReal, dFake), Arithmetic.mul(gp, OpInputs.real(OP, attrs, "lambda_gp")));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_d", lossD);
        out.put("gradient_penalty", gp);
        out.put("loss_g", AdversarialLoss.WGAN.generator(dFake));
        return out;
    }
}
