package dev.vdiff.tensor.kernels;

/**
 * How a float32 convolution computes its products: the choice is per call, by {@link #select}, from the
 * geometry and a process-wide default.
 *
 * <ul>
 *   <li>{@link #DIRECT}: the products as written in {@link ConvGeometry} (every tap and channel multiplied
 *       once), on the blocked GEMM ({@link Conv}): padded grid for stride 1, implicit im2col otherwise. The
 *       only algorithm for float64 (the oracle precision) and for every geometry Winograd does not cover.</li>
 *   <li>{@link #WINOGRAD_F2X3}: Winograd's minimal filtering F(2x2, 3x3) (Lavin &amp; Gray 2016, "Fast
 *       Algorithms for Convolutional Neural Networks", section 4): 16 multiplies per 2x2 output tile and
 *       channel pair instead of 36 (2.25x fewer), in exchange for transforms of the input tiles and of the
 *       output; see {@link WinogradF2x3}. Results differ from {@link #DIRECT} by float32 rounding only
 *       (measured in docs/PERFORMANCE.md, "Winograd F(2x2, 3x3)").</li>
 * </ul>
 *
 * <p>The rules, measured on the benchmark's and the demo's shapes (docs/PERFORMANCE.md, "Winograd F(2x2, 3x3)"):
 * <ul>
 *   <li>forward pass and input gradient ({@link #select}): Winograd for a float32 2-D convolution with a 3x3 kernel,
 *       stride 1, padding 1 and at least {@link #WINOGRAD_MIN_CHANNELS} input and output channels. Below that
 *       the element-wise products are too short a GEMM to repay the transforms (16 channels measured 0.9-1.05x).</li>
 *   <li>weight gradient ({@link #selectWeightGrad}): the same kernel, stride and padding, and only where its
 *       Winograd form ({@link WinogradWeightGrad}) measured faster than the direct in-place product: a multiple of
 *       64 output channels (its channels-last path), and at least 128 input channels or a 32 x 32 image or larger
 *       (1.1-1.35x there, and 1.5x for the model's first convolution, 4 -> 64 channels at 32 x 32; 0.6-0.9x on the
 *       demo's 8 images of 16 x 16 and on 16 channels).</li>
 * </ul>
 *
 * <p>The switch: the system property {@code vdiff.conv.winograd}, read once when this class loads
 * ({@code -Dvdiff.conv.winograd=false} keeps every convolution on {@link #DIRECT}; any value other than
 * {@code true} or {@code false} is refused at start-up). Comparisons inside one process call the kernels with an
 * explicit algorithm instead ({@link Conv#forward(ConvGeometry, float[], float[], float[], float[], ConvAlgorithm)}).
 */
public enum ConvAlgorithm {
    DIRECT,
    WINOGRAD_F2X3;

    /** Fewest input and output channels for which {@link #select} picks Winograd. */
    public static final int WINOGRAD_MIN_CHANNELS = 32;

    /** Whether {@link #select} may pick Winograd: {@code -Dvdiff.conv.winograd}, default true. */
    public static final boolean WINOGRAD_ENABLED = readSwitch();

    private static boolean readSwitch() {
        String v = System.getProperty("vdiff.conv.winograd", "true");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("-Dvdiff.conv.winograd must be true or false, not '" + v + "'");
        }
        return v.equals("true");
    }

    /** The algorithm of a float32 convolution's forward pass and input gradient, by the rule in the class comment. */
    public static ConvAlgorithm select(ConvGeometry g) {
        return WINOGRAD_ENABLED && WinogradF2x3.applies(g) && g.c >= WINOGRAD_MIN_CHANNELS && g.o >= WINOGRAD_MIN_CHANNELS
            ? WINOGRAD_F2X3 : DIRECT;
    }

    /** The algorithm of a float32 convolution's weight gradient, by the rule in the class comment. */
    public static ConvAlgorithm selectWeightGrad(ConvGeometry g) {
        return WINOGRAD_ENABLED && WinogradF2x3.applies(g) && g.o % 64 == 0 && (g.c >= 128 || g.h * g.w >= 1024) ? WINOGRAD_F2X3 : DIRECT;
    }
}
