package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Context;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

import java.util.function.UnaryOperator;

/**
 * MCM's ops of the papers suite ({@code ../shared/oracle/papers}, PAPERS.md §3.6-3.7), each computed by the
 * project's own classes:
 * <ul>
 *   <li>{@code mcm_motion_representation} (SPEC §4.2) by {@link MotionRepresentation}: input
 *       {@code x [B, C, F, H, W]}; attrs {@code kind} (raw, diff, freq_low, freq_high), {@code cutoff},
 *       {@code temporal_cutoff}, {@code order}; output {@code out}.</li>
 *   <li>{@code wgan_discriminator_losses} (SPEC §4.4) by {@link AdversarialLoss}: a two-layer MLP critic
 *       {@code D(x) = w2 . act(w1 x + b1) + b2} stands in for MCM's feature heads; inputs {@code real, fake [B, d]},
 *       {@code alpha [B, 1]}, {@code w1 [h, d]}, {@code b1 [h]}, {@code w2 [h]}, {@code b2 []}; attrs
 *       {@code activation} (leaky_relu with slope 0.2, or silu) and {@code lambda_gp}; outputs {@code loss_d},
 *       {@code gradient_penalty}, {@code loss_g}. The gradients of all seven inputs include the second-order
 *       path through the penalty's gradient ({@code createGraph}).</li>
 * </ul>
 */
public final class McmOps implements OpFamily {
    public static final String MOTION_REPRESENTATION = "mcm_motion_representation";
    public static final String WGAN_DISCRIMINATOR_LOSSES = "wgan_discriminator_losses";

    @Override
    public void register(OpRegistry r) {
        r.register(MOTION_REPRESENTATION, McmOps::motionRepresentation);
        r.register(WGAN_DISCRIMINATOR_LOSSES, McmOps::wganDiscriminatorLosses);
    }

    static Evaluation motionRepresentation(Context ctx) {
        Attrs at = ctx.attrs();
        MotionRepresentation kind = MotionRepresentation.parse(at.string("kind"));
        ButterworthFilter filter = new ButterworthFilter(at.real("cutoff"), at.real("temporal_cutoff"), at.integer("order"));
        return Evaluation.of(kind.apply(ctx.input("x"), filter));
    }

    static Evaluation wganDiscriminatorLosses(Context ctx) {
        Attrs at = ctx.attrs();
        Tensor real = ctx.input("real"), fake = ctx.input("fake"), alpha = ctx.input("alpha");
        Tensor w1 = ctx.input("w1"), b1 = ctx.input("b1"), w2 = ctx.input("w2"), b2 = ctx.input("b2");
        UnaryOperator<Tensor> act;
        String activation = at.string("activation");
        switch (activation) {
            case "leaky_relu": act = p -> Rectifiers.leakyRelu(p, 0.2); break;
            case "silu": act = Pointwise::silu; break;
            default: throw new IllegalArgumentException("case " + ctx.oracleCase().id() + ": unknown activation '" + activation + "'; expected leaky_relu or silu");
        }
        int h = w2.shape(0);
        // D(x) = w2 . act(w1 x + b1) + b2, per row: [B, d] -> [B, h] -> [B, 1]
        UnaryOperator<Tensor> critic = x -> Arithmetic.add(LinearAlgebra.linear(act.apply(LinearAlgebra.linear(x, w1, b1)), w2.reshape(1, h), null), b2);
        Tensor dReal = critic.apply(real), dFake = critic.apply(fake);
        Tensor gp = AdversarialLoss.gradientPenalty(critic, AdversarialLoss.interpolate(real, fake, alpha));
        Tensor lossD = Arithmetic.add(AdversarialLoss.WGAN.discriminator(dReal, dFake), Arithmetic.mul(gp, at.real("lambda_gp")));
        return Evaluation.of("loss_d", lossD, "gradient_penalty", gp, "loss_g", AdversarialLoss.WGAN.generator(dFake));
    }
}
