package dev.vdiff.diffusion.pyramid;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;

/**
 * Temporal down- and upsampling of videos along their frame axis, the {@code Down} and {@code Up} operators of
 * a temporal pyramid (SPEC §5.2; TPDiff eqs. 7-8). All operators are built from views and differentiable ops.
 *
 * <table>
 *   <caption>Notation (SPEC §5.2)</caption>
 *   <tr><th>here</th><th>SPEC / TPDiff</th><th>meaning</th></tr>
 *   <tr><td>{@code down(x, axis, f, op)}</td><td>Down(x, f), D_j for f = 2^j</td><td>F frames to F/f frames</td></tr>
 *   <tr><td>{@code upNearest(x, axis, f)}</td><td>Up(x, f), U for f = 2</td><td>F frames to F f frames, each
 *       frame repeated f times (frame duplication)</td></tr>
 *   <tr><td>{@code frameAxis}</td><td>F in {@code [B, C, F, H, W]} (SPEC) or {@code [B, F, C, H, W]} (the
 *       project's UNet)</td><td>which axis holds the frames</td></tr>
 * </table>
 *
 * <pre>{@code
 * Tensor x = ...;                                           // [B, F=8, C, H, W]
 * down(x, 1, 2, Downsampling.SUBSAMPLE);                    // frames 0, 2, 4, 6: [B, 4, C, H, W]
 * down(eps, 1, 4, Downsampling.AVERAGE_SCALED);             // 2 (= sqrt 4) x mean of frames 0-3 and 4-7: [B, 2, C, H, W]
 * upNearest(x, 1, 2);                                       // frames 0, 0, 1, 1, ..., 7, 7: [B, 16, C, H, W]
 * }</pre>
 */
public final class TemporalResampling {
    private TemporalResampling() {}

    /**
     * How blocks of {@code f} consecutive frames become one frame. [RECONSTRUCTED] The paper does not say which
     * Down it uses (SPEC §5.2); these are the options SPEC names.
     */
    public enum Downsampling {
        /** Keep the first frame of every block: frames 0, f, 2f, ... (SPEC §5.2's choice for clean latents). */
        SUBSAMPLE,
        /** The mean of every block (a box filter; shrinks the variance of iid noise by {@code 1/f}). */
        AVERAGE,
        /**
         * The mean of every block times {@code sqrt(f)}: iid standard normal noise stays standard normal (SPEC
         * §5.2's rule for downsampling noise; the temporal analogue of Pyramid Flow's factor 2 after 2x2 spatial
         * averaging, PF-CODE {@code add_pyramid_noise}). For {@code f = 2}: pair average times {@code sqrt 2}.
         */
        AVERAGE_SCALED
    }

    /**
     * {@code x} with its frame count divided by {@code factor}. Differentiable.
     *
     * @param x a video tensor with frames on {@code frameAxis}
     * @param frameAxis the frame axis (negative counts from the end)
     * @param factor the downsampling factor, {@code >= 1}, dividing the frame count; 1 returns {@code x}
     * @param op how each block of {@code factor} frames becomes one
     */
    public static Tensor down(Tensor x, int frameAxis, int factor, Downsampling op) {
        int axis = checkAxis("down", x, frameAxis);
        int frames = x.shape(axis);
        if (factor < 1 || frames % factor != 0) {
            throw new IllegalArgumentException("TemporalResampling.down: factor " + factor + " must be >= 1 and divide the "
                + frames + " frames on axis " + axis + " of " + Shape.str(x.shape()));
        }
        if (op == null) throw new IllegalArgumentException("TemporalResampling.down: no downsampling operator given");
        if (factor == 1) return x;
        int[] blocks = split(x.shape(), axis, frames / factor, factor);   // [..., F, ...] -> [..., F/f, f, ...]
        Tensor grouped = x.reshape(blocks);
        switch (op) {
            case SUBSAMPLE:
                return grouped.narrow(axis + 1, 0, 1).squeeze(axis + 1);     // first frame of every block
            case AVERAGE:
                return Reductions.mean(grouped, new int[] {axis + 1}, false);
            default:
                return Arithmetic.mul(Reductions.mean(grouped, new int[] {axis + 1}, false), Math.sqrt(factor));
        }
    }

    /**
     * Nearest-neighbour temporal upsampling: every frame repeated {@code factor} times in place (frame
     * duplication, SPEC §5.5). It is the only Up offered: the anti-correlated renoise of SPEC §5.5 is exact for
     * duplicated frames, and linear interpolation would need a covariance the paper does not derive (SPEC §5.9).
     * Differentiable: the gradient of a frame is the sum over its copies.
     */
    public static Tensor upNearest(Tensor x, int frameAxis, int factor) {
        int axis = checkAxis("upNearest", x, frameAxis);
        if (factor < 1) throw new IllegalArgumentException("TemporalResampling.upNearest: factor must be >= 1, got " + factor);
        if (factor == 1) return x;
        int frames = x.shape(axis);
        int[] blocks = split(x.shape(), axis, frames, factor);             // [..., F, f, ...]
        int[] out = x.shape();
        out[axis] = frames * factor;
        // [..., F, ...] -> [..., F, 1, ...] -> expand [..., F, f, ...] -> dense copy [..., F f, ...]
        return x.unsqueeze(axis + 1).expand(blocks).contiguous().reshape(out);
    }

    /** The frame count after downsampling by {@code 2^level}, with a message if it does not divide. */
    public static int framesAtLevel(int frames, int level) {
        if (level < 0 || level > 30 || frames % (1 << level) != 0) {
            throw new IllegalArgumentException("TemporalResampling: " + frames + " frames cannot be halved " + level + " times");
        }
        return frames >> level;
    }

    /** {@code shape} with axis {@code axis} replaced by the two axes {@code outer, inner}. */
    private static int[] split(int[] shape, int axis, int outer, int inner) {
        int[] s = new int[shape.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == axis) {
                s[j++] = outer;
                s[j++] = inner;
            } else {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    private static int checkAxis(String op, Tensor x, int frameAxis) {
        if (x == null) throw new IllegalArgumentException("TemporalResampling." + op + ": tensor is null");
        int r = x.rank();
        if (frameAxis < -r || frameAxis >= r) {
            throw new IllegalArgumentException("TemporalResampling." + op + ": frame axis " + frameAxis + " is outside the tensor " + Shape.str(x.shape()));
        }
        return frameAxis < 0 ? frameAxis + r : frameAxis;
    }
}
