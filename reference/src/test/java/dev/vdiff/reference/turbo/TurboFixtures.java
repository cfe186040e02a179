package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.random.Rng;

import java.util.List;

/** A tiny class-conditioned teacher for the T2V-Turbo tests: F = 4 frames, 3 channels, 8x8 pixels, 3 classes. */
final class TurboFixtures {
    private TurboFixtures() {}

    /** Channels 8/16, attention (spatial and temporal) at level 1, 2 heads of 8, tDim 8, embDim 16. */
    static final VideoUNetConfig TINY = new VideoUNetConfig(4, 3,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);

    static VideoUNet teacher(DType dtype, long seed) {
        return new VideoUNet(TINY, dtype, Rng.seed(seed));
    }
}
