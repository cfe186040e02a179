package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SPEC §4.4 head (spectral-norm convolutions, local batch norm, leaky ReLU, circular kernel-9 residual,
 * projection): the gradient penalty's gradients with respect to every head parameter (the second-order path
 * of the discriminator update) against central differences of the penalty, in float64.
 */
class DiscriminatorHeadTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void gradientPenaltyParameterGradientsMatchFiniteDifferences(long seed) {
        Rng rng = Rng.seed(seed);
        DiscriminatorHead head = new DiscriminatorHead(new DiscriminatorHead.Config(3, 2, 4, 2), DType.FLOAT64, rng);
        head.forward(rng.normal(DType.FLOAT64, 4, 3, 9), rng.normal(DType.FLOAT64, 4, 4), true);   // one power-iteration step
        Tensor feats = rng.normal(DType.FLOAT64, 4, 3, 9).requiresGrad(true);
        Tensor cond = rng.normal(DType.FLOAT64, 4, 4);
        List<Tensor> params = head.parameters();
        Tensor gp = AdversarialLoss.gradientPenalty(t -> head.forward(t, cond, false), feats);
        Tensor[] analytic = Autograd.grad(gp, params.toArray(new Tensor[0]), false);
        double eps = 1e-6;
        int checked = 0;
        for (int k = 0; k < params.size(); k++) {
            double[] v = params.get(k).doubles();
            double[] a = analytic[k].toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + eps;
                double hi = penalty(head, feats, cond);
                v[i] = keep - eps;
                double lo = penalty(head, feats, cond);
                v[i] = keep;
                double num = (hi - lo) / (2 * eps);
                assertTrue(Math.abs(a[i] - num) <= 1e-5 + 1e-3 * Math.abs(num), head.namedParameters().keySet().toArray()[k] + "[" + i + "]: autodiff " + a[i] + " vs central difference " + num);
                checked++;
            }
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    private static double penalty(DiscriminatorHead head, Tensor feats, Tensor cond) {
        Tensor f = feats.detach().copy().requiresGrad(true);
        return AdversarialLoss.gradientPenalty(t -> head.forward(t, cond, false), f).item();
    }

    @Test
    void checkpointHoldsThePowerIterationState() {
        DiscriminatorHead a = new DiscriminatorHead(new DiscriminatorHead.Config(3, 2, 4, 2), DType.FLOAT32, Rng.seed(1));
        assertTrue(a.stateDict().containsKey("block9_conv.weight_u") && a.stateDict().containsKey("cls.weight_v"), a.stateDict().keySet().toString());
        Tensor f = Rng.seed(2).normal(DType.FLOAT32, 4, 3, 9), c = Rng.seed(3).normal(DType.FLOAT32, 4, 4);
        a.forward(f, c, true);
        DiscriminatorHead b = new DiscriminatorHead(new DiscriminatorHead.Config(3, 2, 4, 2), DType.FLOAT32, Rng.seed(7));
        java.util.Map<String, Tensor> saved = new java.util.LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> saved.put(k, v.copy()));
        b.loadStateDict(saved);
        assertArrayEquals(a.forward(f, c, true).contiguous().floats(), b.forward(f, c, true).contiguous().floats(), 0f);
    }
}
