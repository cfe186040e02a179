package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

/**
 * The student's objective {@code L_G = L_MCD + lambda_adv L_adv} (SPEC §4.1; {@code disc_loss_weight} = 1 in
 * the release). With {@code lambda_adv = 0} the adversarial term is not formed at all, so the objective is
 * {@code L_MCD} bit for bit (SPEC §4.6 item 5).
 */
public record GeneratorLoss(double lambdaAdv) {
    public static final GeneratorLoss MCM = new GeneratorLoss(1);

    public GeneratorLoss {
        if (!(lambdaAdv >= 0) || Double.isInfinite(lambdaAdv)) throw new IllegalArgumentException("lambda_adv must be a finite number >= 0, got " + lambdaAdv);
    }

    /** Whether the adversarial term takes part (callers skip the discriminator pass when it does not). */
    public boolean adversarial() {
        return lambdaAdv > 0;
    }

    /** {@code L_MCD + lambda_adv L_adv}; {@code adv} may be null when {@link #adversarial()} is false. */
    public Tensor total(Tensor mcd, Tensor adv) {
        if (!adversarial()) return mcd;
        if (adv == null) throw new IllegalArgumentException("lambda_adv = " + lambdaAdv + " needs the adversarial loss");
        return Arithmetic.add(mcd, Arithmetic.mul(adv, lambdaAdv));
    }
}
