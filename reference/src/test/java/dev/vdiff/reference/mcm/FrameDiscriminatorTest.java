package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame discriminator end to end on toy images: shapes, frozen features, the GP's gradient vs finite differences. */
class FrameDiscriminatorTest {
    static FrameDiscriminator disc(DType dt) {
        RandomPatchFeatures f = new RandomPatchFeatures(new RandomPatchFeatures.Config(3, 4, 4, 2, 5), dt);
        return new FrameDiscriminator(f, new FrameDiscriminator.Config(3, 2, 3, 2), dt, Rng.seed(6));
    }

    @Test
    void logitsPerTokenOfEveryHookAndFrozenFeatures() {
        FrameDiscriminator d = disc(DType.FLOAT32);
        Tensor imgs = Rng.seed(1).uniform(-1, 1, DType.FLOAT32, 4, 3, 12, 8);
        Tensor labels = Tensor.ofLongs(new long[] {0, 1, 2, 1}, 4);
        Tensor l = d.logits(d.features(imgs), labels, true);
        assertArrayEquals(new int[] {4, 2 * (3 * 2)}, l.shape());   // 2 hooks x (12/4)(8/4) tokens
        FrameDiscriminator.Losses loss = d.discriminatorLoss(imgs, Rng.seed(2).uniform(-1, 1, DType.FLOAT32, 4, 3, 12, 8), labels,
            Rng.seed(3).uniform(DType.FLOAT32, 4), AdversarialLoss.WGAN, 1e-5);
        loss.total().backward();
        for (var e : d.namedParameters().entrySet()) {
            if (e.getKey().startsWith("heads.") && e.getKey().endsWith("_orig")) assertTrue(e.getValue().grad() != null, e.getKey());
        }
        assertTrue(loss.total().item() >= -2, "clipped WGAN plus a non-negative penalty");
        assertTrue(loss.gradientPenalty().item() >= 0);
    }

    @Test
    void generatorGradientReachesTheImagesThroughFrozenFeatures() {
        FrameDiscriminator d = disc(DType.FLOAT64);
        Tensor fake = Rng.seed(4).uniform(-1, 1, DType.FLOAT64, 2, 3, 8, 8).requiresGrad(true);
        Tensor labels = Tensor.ofLongs(new long[] {0, 2}, 2);
        d.logits(d.features(fake.detach()), labels, true);
        Tensor g = Autograd.grad(d.generatorLoss(fake, labels, AdversarialLoss.WGAN), new Tensor[] {fake}, false)[0];
        double n = 0;
        for (double v : g.toDoubleArray()) n += v * v;
        assertTrue(n > 0, "the generator's adversarial gradient reaches its frames");
        double eps = 1e-6, keep = fake.doubles()[5];
        fake.doubles()[5] = keep + eps;
        double hi = d.generatorLoss(fake.detach(), labels, AdversarialLoss.WGAN).item();
        fake.doubles()[5] = keep - eps;
        double lo = d.generatorLoss(fake.detach(), labels, AdversarialLoss.WGAN).item();
        fake.doubles()[5] = keep;
        assertEquals((hi - lo) / (2 * eps), g.toDoubleArray()[5], 1e-5 + 1e-3 * Math.abs((hi - lo) / (2 * eps)));
        for (var e : d.namedParameters().entrySet()) if (!e.getKey().startsWith("heads.") && !e.getKey().startsWith("cond")) assertNull(e.getValue().grad(), "frozen " + e.getKey());
    }

    @Test
    void generatorLossWithoutAdversaryIsTheDistillationLoss() {
        Tensor mcd = Tensor.scalar(DType.FLOAT32, 0.125);
        assertSame(mcd, new GeneratorLoss(0).total(mcd, null));
        assertEquals(0.125 + 2 * 0.5, new GeneratorLoss(2).total(mcd, Tensor.scalar(DType.FLOAT32, 0.5)).item(), 1e-7);
    }
}
