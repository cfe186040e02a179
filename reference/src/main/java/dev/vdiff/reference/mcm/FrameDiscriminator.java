package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Embedding;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

/**
 * MCM's frame discriminator (SPEC §4.4): a frozen {@link FeatureExtractor} and one trainable
 * {@link DiscriminatorHead} per hooked layer; the logits of all heads and tokens are concatenated. The
 * condition is a class label here (the toy setting), embedded by a learned table {@code cond [classes, condDim]}
 * in place of MCM's frozen OpenCLIP text embedding.
 *
 * <pre>
 *   L_D   = loss.discriminator(D(real), D(fake)) + lambda_gp GP,   GP on features: alpha f(real) + (1 - alpha) f(fake)
 *   L_adv = loss.generator(D(fake))                                (gradient flows through the frozen features)
 * </pre>
 * The penalty's gradient is taken with respect to the feature maps of all hooks together (PAPERS.md §3.7:
 * interpolation and gradient in one space; SPEC §4.4 interpolates pixels, noted there).
 */
public final class FrameDiscriminator extends Module {
    public record Config(int classes, int cmapDim, int condDim, int virtualBatch) {
        public Config {
            if (classes < 1 || cmapDim < 1 || condDim < 1 || virtualBatch < 1) throw new IllegalArgumentException("frame discriminator: sizes must be positive, got " + this);
        }
    }

    private final FeatureExtractor extractor;
    private final DiscriminatorHead[] heads;
    private final Embedding cond;

    public FrameDiscriminator(FeatureExtractor extractor, Config config, DType dtype, Rng rng) {
        this.extractor = extractor;
        int[] ch = extractor.channels();
        this.heads = new DiscriminatorHead[ch.length];
        for (int i = 0; i < ch.length; i++) heads[i] = child("heads." + i, new DiscriminatorHead(new DiscriminatorHead.Config(ch[i], config.cmapDim(), config.condDim(), config.virtualBatch()), dtype, rng));
        this.cond = child("cond", new Embedding(config.classes(), config.condDim(), dtype, rng));
    }

    /** The frozen features of images {@code [N, 3, H, W]}. */
    public Tensor[] features(Tensor images) {
        return extractor.features(images);
    }

    /** Logits {@code [N, sum of tokens]} of feature maps under int64 labels {@code [N]}. */
    public Tensor logits(Tensor[] features, Tensor labels, boolean update) {
        Tensor c = cond.forward(labels);                                      // [N, condDim]
        Tensor[] l = new Tensor[heads.length];
        for (int i = 0; i < heads.length; i++) l[i] = heads[i].forward(features[i], c, update);
        return Concat.cat(1, l);
    }

    /** The discriminator's loss on real and (detached) fake images; {@code alpha [N]} mixes the features for GP. */
    public Losses discriminatorLoss(Tensor real, Tensor fake, Tensor labels, Tensor alpha, AdversarialLoss loss, double lambdaGp) {
        Tensor[] fr = features(real), ff = features(fake.detach());
        Tensor dReal = logits(fr, labels, true), dFake = logits(ff, labels, true);
        Tensor[] interp = new Tensor[fr.length];
        for (int i = 0; i < fr.length; i++) {
            Tensor a = alpha.reshape(alpha.numel(), 1, 1).to(fr[i].dtype());
            interp[i] = AdversarialLoss.interpolate(fr[i].detach(), ff[i].detach(), a).detach().copy().requiresGrad(true);
        }
        Tensor gp = AdversarialLoss.gradientPenalty(f -> logits(f, labels, false), interp);
        Tensor total = Arithmetic.add(loss.discriminator(dReal, dFake), Arithmetic.mul(gp, lambdaGp));
        return new Losses(total, gp, dReal, dFake);
    }

    /** The generator's adversarial loss on its frames (no power-iteration update). */
    public Tensor generatorLoss(Tensor fake, Tensor labels, AdversarialLoss loss) {
        return loss.generator(logits(features(fake), labels, false));
    }

    /** {@code L_D}, the penalty and the logits of one discriminator evaluation. */
    public record Losses(Tensor total, Tensor gradientPenalty, Tensor dReal, Tensor dFake) {}
}
