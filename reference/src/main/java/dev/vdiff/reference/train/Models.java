package dev.vdiff.reference.train;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
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

    /** The network of a run: its model, and the text encoder and cross-attention when it is caption-conditioned ({@link CaptionSpec}). */
    public static Denoiser build(RunSpec run, DType dtype, Rng rng) {
        CaptionSpec c = CaptionSpec.of(run);
        if (c == null) return build(run.model(), dtype, rng);
        VideoUNet net = new VideoUNet(config(run.model()).withText(c.text()), dtype, rng);
        Denoiser d = wrap(net, c.tokenizer());
        return run.model().patch() == 1 ? d : new PatchedDenoiser(d, run.model().patch());
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

    /**
     * Puts the network's parameters and buffers on {@code device} (in place; {@link Tensor#moveTo}): its forward and
     * backward ops then run on that device's kernels, and so does everything computed from their outputs.
     */
    public static Denoiser moveTo(Denoiser d, Device device) {
        for (Tensor p : d.module().parameters()) p.moveTo(device);
        for (Tensor b : d.module().namedBuffers().values()) b.moveTo(device);
        return d;
    }

    public static Denoiser wrap(VideoUNet net) {
        return wrap(net, null);
    }

    /** The UNet as a {@link Denoiser}; with {@code tokenizer} its condition is caption ids {@code [B, L]} (the net must read captions). */
    public static Denoiser wrap(VideoUNet net, dev.vdiff.diffusion.text.CaptionTokenizer tokenizer) {
        int classes = net.config().numClasses();
        if ((tokenizer != null) != net.config().captionConditional()) {
            throw new IllegalArgumentException("Models.wrap: a tokenizer goes with a caption-conditioned network and only with one (" + net.config().describe() + ")");
        }
        if (tokenizer != null && classes > 0) throw new IllegalArgumentException("Models.wrap: a caption-conditioned network here has no class labels, got " + classes);
        return new Denoiser() {
            @Override
            public Module module() {
                return net;
            }

            @Override
            public Tensor forward(Tensor x, Tensor t, Tensor y) {
                return tokenizer == null ? net.forward(x, t, y) : net.forward(x, t, null, y);
            }

            @Override
            public dev.vdiff.diffusion.text.CaptionTokenizer tokenizer() {
                return tokenizer;
            }

            @Override
            public int numClasses() {
                return classes;
            }
        };
    }
}
