package dev.vdiff.reference.train;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.random.Rng;

import java.util.List;

/** Builds the network a {@link ModelSpec} describes: the video UNet, adapted to {@link Denoiser} (and patched, {@link PatchedDenoiser}). */
public final class Models {
    private Models() {}

    /** The UNet configuration of a spec (its constructor checks the sizes and names every problem). */
    public static VideoUNetConfig config(ModelSpec s) {
        if (s.heads() < 1 || s.ch1() % s.heads() != 0) throw new IllegalArgumentException("model: ch1 = " + s.ch1() + " must be a multiple of heads = " + s.heads());
        if (s.temporal0() && s.ch0() != s.ch1()) throw new IllegalArgumentException("model: temporal attention at full resolution needs ch0 = ch1, got " + s.ch0() + " and " + s.ch1());
        List<VideoUNetConfig.Level> levels = List.of(new VideoUNetConfig.Level(s.ch0(), false, s.temporal0()), new VideoUNetConfig.Level(s.ch1(), true, true));
        return new VideoUNetConfig(s.frames(), s.channels() * s.patch() * s.patch(), levels, s.heads(), s.ch1() / s.heads(), s.groups(), 1e-5,
            s.classes(), s.tDim(), s.embDim());
    }

    /** A freshly initialised network (PyTorch default init drawn from {@code rng}). */
    public static Denoiser build(ModelSpec s, DType dtype, Rng rng) {
        Denoiser unet = wrap(new VideoUNet(config(s), dtype, rng));
        return s.patch() == 1 ? unet : new PatchedDenoiser(unet, s.patch());
    }

    /** Checks that clips of {@code height x width} fit the network: multiples of {@code 2 patch} (one downsampling). */
    public static void checkSize(ModelSpec s, int height, int width) {
        int m = 2 * s.patch();
        if (height % m != 0 || width % m != 0) {
            throw new IllegalArgumentException("clips of " + height + "x" + width + " do not fit the model: height and width must be multiples of " + m + " (2 x patch " + s.patch() + ")");
        }
    }

    public static Denoiser wrap(VideoUNet net) {
        int classes = net.config().numClasses();
        return new Denoiser() {
            @Override
            public Module module() {
                return net;
            }

            @Override
            public Tensor forward(Tensor x, Tensor t, Tensor y) {
                return net.forward(x, t, y);
            }

            @Override
            public int numClasses() {
                return classes;
            }
        };
    }
}
