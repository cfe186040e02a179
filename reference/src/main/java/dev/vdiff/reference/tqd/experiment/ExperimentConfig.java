package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.tqd.TqdConfig;

import java.util.List;

/**
 * The sizes of {@code vdiff experiment tqd}: data, network, training, evaluation. {@link #full()} is sized for
 * about half an hour on two quiet cores, {@link #quick()} for under ten minutes (the main regime only, one seed),
 * {@link #toy()} for a test of a few seconds.
 *
 * @param frames         frames per clip
 * @param size           clip height and width (pixels)
 * @param imbalanced     clips of the imbalanced-only set (half high-MQ/low-VQ, half low-MQ/high-VQ); the golden-only
 *                       set has a quarter of that, the all-data set adds a quarter golden and a quarter low/low
 * @param regimes        which regimes run, the first is the main one: "imbalanced", "golden", "all"
 * @param mainSeeds      training seeds of the main regime (each arm trains once per seed)
 * @param otherSeeds     training seeds of the other regimes
 * @param model          the network (the same for every arm)
 * @param steps          optimizer steps per training run
 * @param batch          clips per step
 * @param lr             peak learning rate (AdamW, linear warm-up over {@code warmup} steps)
 * @param warmup         warm-up steps
 * @param emaDecay       EMA decay; every evaluation uses the EMA weights
 * @param tqd            kappa_base, kappa_max of the TQD arm (SPEC §2.2)
 * @param referenceClips held-out golden clips: the sample-quality reference
 * @param lossClips      the first this many of them give the held-out loss per bucket
 * @param buckets        timestep buckets of the held-out loss (at least 10 for the report)
 * @param samplesPerClass generated videos per class for the sample-quality metric
 * @param sampler        how they are generated
 */
public record ExperimentConfig(int frames, int size, int imbalanced, List<String> regimes, int mainSeeds, int otherSeeds, ModelSpec model,
                               long steps, int batch, double lr, long warmup, double emaDecay, TqdConfig tqd, int referenceClips,
                               int lossClips, int buckets, int samplesPerClass, SamplerSettings sampler) {
    public static final List<String> ALL_REGIMES = List.of("imbalanced", "golden", "all");
    public static final int CLASSES = 5;

    public ExperimentConfig {
        regimes = List.copyOf(regimes);
        if (regimes.isEmpty() || !ALL_REGIMES.containsAll(regimes)) throw new IllegalArgumentException("ExperimentConfig: regimes must be among " + ALL_REGIMES + ", got " + regimes);
        if (mainSeeds < 1 || otherSeeds < 1 || steps < 1 || batch < 1 || imbalanced < 4) throw new IllegalArgumentException("ExperimentConfig: seeds, steps and batch must be >= 1, imbalanced >= 4");
        if (lossClips < 1 || lossClips > referenceClips || referenceClips < 2 || buckets < 1 || samplesPerClass < 1) {
            throw new IllegalArgumentException("ExperimentConfig: need 1 <= lossClips <= referenceClips, referenceClips >= 2, buckets >= 1, samplesPerClass >= 1");
        }
    }

    /** 8 frames of 16x16, UNet 16/32 channels, 3 regimes, 500 steps of 4 clips; 2 seeds on the main regime. */
    public static ExperimentConfig full() {
        return new ExperimentConfig(8, 16, 512, ALL_REGIMES, 2, 1, unet(8, 16, 32, 8, 64), 500, 4, 1e-3, 30, 0.99, TqdConfig.DEFAULT,
            128, 48, 10, 8, SamplerSettings.ddim(10, 2.0));
    }

    /** The main regime only, one seed, 250 steps: under ten minutes on two cores. */
    public static ExperimentConfig quick() {
        return new ExperimentConfig(8, 16, 256, List.of("imbalanced"), 1, 1, unet(8, 16, 32, 8, 64), 250, 4, 1e-3, 30, 0.99, TqdConfig.DEFAULT,
            96, 32, 10, 6, SamplerSettings.ddim(10, 2.0));
    }

    /** A few seconds: the whole pipeline on 4 frames of 8x8, for tests. */
    public static ExperimentConfig toy() {
        return new ExperimentConfig(4, 8, 8, ALL_REGIMES, 1, 1, unet(4, 8, 16, 4, 16), 2, 2, 1e-3, 1, 0.9, TqdConfig.DEFAULT,
            8, 3, 10, 1, SamplerSettings.ddim(2, 2.0));
    }

    static ModelSpec unet(int frames, int ch0, int ch1, int groups, int emb) {
        return ModelSpec.defaults().withFrames(frames).withPatch(1).withCh0(ch0).withCh1(ch1).withHeads(2)
            .withGroups(groups).withClasses(CLASSES).withTDim(Math.max(16, emb / 2)).withEmbDim(emb);
    }

    public ExperimentConfig withSteps(long s) {
        return new ExperimentConfig(frames, size, imbalanced, regimes, mainSeeds, otherSeeds, model, s, batch, lr, warmup, emaDecay, tqd, referenceClips, lossClips, buckets, samplesPerClass, sampler);
    }

    public ExperimentConfig withSeeds(int main, int other) {
        return new ExperimentConfig(frames, size, imbalanced, regimes, main, other, model, steps, batch, lr, warmup, emaDecay, tqd, referenceClips, lossClips, buckets, samplesPerClass, sampler);
    }

    public ExperimentConfig withRegimes(List<String> r) {
        return new ExperimentConfig(frames, size, imbalanced, r, mainSeeds, otherSeeds, model, steps, batch, lr, warmup, emaDecay, tqd, referenceClips, lossClips, buckets, samplesPerClass, sampler);
    }

    /** Training seeds of regime number {@code r} (0 = main). */
    public int seeds(int r) {
        return r == 0 ? mainSeeds : otherSeeds;
    }

    /** Training steps of every run together. */
    public long totalSteps() {
        long runs = 0;
        for (int r = 0; r < regimes.size(); r++) runs += 2L * seeds(r);
        return runs * steps;
    }
}
