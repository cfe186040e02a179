package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.tensor.ops.Reductions;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * MCM's frame-discriminator objectives (SPEC §4.4, the released {@code main.py} §10.2/§12 and
 * {@code utils/misc.py}), on critic outputs {@code D(.)} (logits of any shape, one or more per sample).
 *
 * <pre>
 *   wgan (clipped, released):  L_adv = -mean D(fake)
 *                              L_D   = mean max(-1, -D(real)) + mean max(-1, D(fake)) + lambda_gp GP
 *   hinge:                     L_adv = 1 - mean D(fake)
 *                              L_D   = mean relu(1 - D(real)) + mean relu(1 + D(fake)) + lambda_gp GP
 *   GP = mean_b (||d sum D(interp) / d interp_b||_2 - 1)^2,   interp = alpha real + (1 - alpha) fake
 * </pre>
 * The gradient in GP is taken with {@link Autograd#grad} and {@code createGraph}, so the discriminator's
 * parameter gradients include the second-order path (PyTorch: {@code autograd.grad(..., create_graph=True)}).
 * The clipped WGAN discriminator loss is bounded below by -2 before GP (SPEC §4.6 item 4).
 */
public enum AdversarialLoss {
    /** Clipped WGAN, the setting of all MCM release scripts. */
    WGAN,
    /** Hinge loss, MCM's other implemented option. */
    HINGE;

    /** The generator's adversarial loss {@code L_adv} (a 0-d tensor). */
    public Tensor generator(Tensor dFake) {
        Tensor m = Reductions.meanAll(dFake);
        return this == WGAN ? Arithmetic.neg(m) : Arithmetic.add(Arithmetic.neg(m), 1.0);
    }

    /** The discriminator's loss without the gradient penalty (a 0-d tensor). */
    public Tensor discriminator(Tensor dReal, Tensor dFake) {
        if (this == WGAN) {
            // max(-1, y) = clamp(y, -1, +inf)
            return Arithmetic.add(Reductions.meanAll(Pointwise.clamp(Arithmetic.neg(dReal), -1, Double.POSITIVE_INFINITY)),
                Reductions.meanAll(Pointwise.clamp(dFake, -1, Double.POSITIVE_INFINITY)));
        }
        return Arithmetic.add(Reductions.meanAll(Rectifiers.relu(Arithmetic.add(Arithmetic.neg(dReal), 1.0))),
            Reductions.meanAll(Rectifiers.relu(Arithmetic.add(dFake, 1.0))));
    }

    /** {@code interp = alpha real + (1 - alpha) fake}, alpha {@code [B, 1, ...]} broadcast per sample. */
    public static Tensor interpolate(Tensor real, Tensor fake, Tensor alpha) {
        return Arithmetic.add(Arithmetic.mul(alpha, real), Arithmetic.mul(Arithmetic.add(Arithmetic.neg(alpha), 1.0), fake));
    }

    /**
     * {@code GP = mean_b (||g_b|| - 1)^2} with {@code g = d sum(critic(interp)) / d interp} built with
     * {@code createGraph}: differentiable with respect to the critic's parameters and {@code interp}.
     * {@code interp [B, ...]} must require a gradient (a leaf or the result of {@link #interpolate}).
     */
    public static Tensor gradientPenalty(UnaryOperator<Tensor> critic, Tensor interp) {
        if (!interp.requiresGrad()) throw new IllegalArgumentException("gradient penalty: the interpolated samples must require a gradient (mark them with requiresGrad(true))");
        Tensor d = Reductions.sumAll(critic.apply(interp));
        Tensor g = Autograd.grad(d, new Tensor[] {interp}, true)[0];                   // [B, ...]
        int[] rest = new int[g.rank() - 1];
        for (int i = 0; i < rest.length; i++) rest[i] = i + 1;
        Tensor norm = Pointwise.sqrt(Reductions.sum(Pointwise.square(g), rest, false));  // [B]
        return Reductions.meanAll(Pointwise.square(Arithmetic.add(norm, -1.0)));
    }

    /**
     * As {@link #gradientPenalty(UnaryOperator, Tensor)} for a critic of several inputs (the token maps of
     * several feature layers, each {@code [B, ...]}): {@code ||g_b||} is the norm of sample b's gradient over
     * all of them together.
     */
    public static Tensor gradientPenalty(java.util.function.Function<Tensor[], Tensor> critic, Tensor... interp) {
        for (Tensor t : interp) if (!t.requiresGrad()) throw new IllegalArgumentException("gradient penalty: the interpolated samples must require a gradient (mark them with requiresGrad(true))");
        Tensor d = Reductions.sumAll(critic.apply(interp));
        Tensor[] g = Autograd.grad(d, interp, true);
        Tensor sq = null;
        for (Tensor gi : g) {
            int[] rest = new int[gi.rank() - 1];
            for (int i = 0; i < rest.length; i++) rest[i] = i + 1;
            Tensor s = Reductions.sum(Pointwise.square(gi), rest, false);                 // [B]
            sq = sq == null ? s : Arithmetic.add(sq, s);
        }
        return Reductions.meanAll(Pointwise.square(Arithmetic.add(Pointwise.sqrt(sq), -1.0)));
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AdversarialLoss parse(String s) {
        for (AdversarialLoss l : values()) if (l.optionName().equals(s)) return l;
        throw new IllegalArgumentException("unknown adversarial loss '" + s + "'; choose wgan (clipped WGAN, MCM's setting) or hinge");
    }
}
