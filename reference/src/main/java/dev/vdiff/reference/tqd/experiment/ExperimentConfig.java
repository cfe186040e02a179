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

    /** 8 frames of 16x16, UNet 16/32 channels, 3 regimes, 500 steps of 4 clips; 2 seeds on the main regime (the builder's defaults). */
    public static ExperimentConfig full() {
        return builder().build();
    }

    /** The main regime only, one seed, 250 steps: under ten minutes on two cores. */
    public static ExperimentConfig quick() {
        return builder().imbalanced(256).regimes(List.of("imbalanced")).mainSeeds(1).steps(250).referenceClips(96).lossClips(32).samplesPerClass(6).build();
    }

    /** A few seconds: the whole pipeline on 4 frames of 8x8, for tests. */
    public static ExperimentConfig toy() {
        return builder().frames(4).size(8).imbalanced(8).mainSeeds(1).model(unet(4, 8, 16, 4, 16)).steps(2).batch(2).warmup(1).emaDecay(0.9)
            .referenceClips(8).lossClips(3).samplesPerClass(1).sampler(SamplerSettings.ddim(2, 2.0)).build();
    }

    static ModelSpec unet(int frames, int ch0, int ch1, int groups, int emb) {
        return ModelSpec.defaults().withFrames(frames).withPatch(1).withCh0(ch0).withCh1(ch1).withHeads(2)
            .withGroups(groups).withClasses(CLASSES).withTDim(Math.max(16, emb / 2)).withEmbDim(emb);
    }

    /** A builder at {@link #full()}'s values. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's fields. */
    public Builder toBuilder() {
        return new Builder().frames(frames).size(size).imbalanced(imbalanced).regimes(regimes).mainSeeds(mainSeeds).otherSeeds(otherSeeds).model(model)
            .steps(steps).batch(batch).lr(lr).warmup(warmup).emaDecay(emaDecay).tqd(tqd).referenceClips(referenceClips).lossClips(lossClips)
            .buckets(buckets).samplesPerClass(samplesPerClass).sampler(sampler);
    }

    public ExperimentConfig withSteps(long s) {
        return toBuilder().steps(s).build();
    }

    public ExperimentConfig withSeeds(int main, int other) {
        return toBuilder().mainSeeds(main).otherSeeds(other).build();
    }

    public ExperimentConfig withRegimes(List<String> r) {
        return toBuilder().regimes(r).build();
    }

    /** Named fields of an {@link ExperimentConfig} (see the record's parameters), starting at {@link #full()}'s values. */
    public static final class Builder {
        private int frames = 8, size = 16, imbalanced = 512, mainSeeds = 2, otherSeeds = 1, batch = 4, referenceClips = 128, lossClips = 48, buckets = 10,
            samplesPerClass = 8;
        private List<String> regimes = ALL_REGIMES;
        private ModelSpec model = unet(8, 16, 32, 8, 64);
        private long steps = 500, warmup = 30;
        private double lr = 1e-3, emaDecay = 0.99;
        private TqdConfig tqd = TqdConfig.DEFAULT;
        private SamplerSettings sampler = SamplerSettings.ddim(10, 2.0);

        private Builder() {}

        public Builder frames(int v) { frames = v; return this; }
        public Builder size(int v) { size = v; return this; }
        public Builder imbalanced(int v) { imbalanced = v; return this; }
        public Builder regimes(List<String> v) { regimes = v; return this; }
        public Builder mainSeeds(int v) { mainSeeds = v; return this; }
        public Builder otherSeeds(int v) { otherSeeds = v; return this; }
        public Builder model(ModelSpec v) { model = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmup(long v) { warmup = v; return this; }
        public Builder emaDecay(double v) { emaDecay = v; return this; }
        public Builder tqd(TqdConfig v) { tqd = v; return this; }
        public Builder referenceClips(int v) { referenceClips = v; return this; }
        public Builder lossClips(int v) { lossClips = v; return this; }
        public Builder buckets(int v) { buckets = v; return this; }
        public Builder samplesPerClass(int v) { samplesPerClass = v; return this; }
        public Builder sampler(SamplerSettings v) { sampler = v; return this; }

        public ExperimentConfig build() {
            return new ExperimentConfig(frames, size, imbalanced, regimes, mainSeeds, otherSeeds, model, steps, batch, lr, warmup, emaDecay, tqd,
                referenceClips, lossClips, buckets, samplesPerClass, sampler);
        }
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
