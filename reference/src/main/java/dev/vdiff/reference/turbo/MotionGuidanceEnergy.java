package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;

import java.util.Arrays;
import java.util.List;

/**
 * The motion-guidance energy of T2V-Turbo-v2, MotionClone's primary temporal-attention guidance (SPEC §3.1 eqs.
 * 5-7, §3.4; oracle papers suite op {@code motion_guidance_energy}, PAPERS.md §3.5):
 * <pre>
 *   A_l      = softmax over keys of ( q_l k_l^T / sqrt(d_l) )                     [N_l, F, F]   (eq. 5)
 *   M_l[n,i,j] = 1 if j = argmax_j' Aref_l[n,i,j'] else 0                          top-1 key of the reference (eq. 7)
 *   E_l      = sum_{n,i,j} M_l (Aref_l - A_l)^2 / (N_l F)                          mean over the masked entries
 *   E        = 100 * (1/L) sum_l 100 * E_l                                         (eq. 6 with the code's scales)
 * </pre>
 * {@code N_l} runs over (video, pixel, head) triples of layer l. The mask comes from the reference only and
 * {@code Aref} is a constant (detached); the two factors 100 are the released code's per-layer scale
 * ({@code compute_temp_loss}) and {@code temp_loss_scale} (SPEC §3.4). The motion score of the solver is
 * {@code g = dE/dz} (SPEC §3.3), taken by autodiff through the network that produced {@code A_l}
 * ({@link MotionScore}).
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>SPEC / paper</th><th>released code</th></tr>
 *   <tr><td>{@code attention}</td><td>A(z_t)</td><td>{@code get_temp_attn_prob} of the sample</td></tr>
 *   <tr><td>{@code reference}</td><td>A(z_t^ref)</td><td>the same on the DDIM-inverted training video</td></tr>
 *   <tr><td>{@link #energy}</td><td>G_m (eq. 6), scaled</td><td>{@code temp_loss_scale * compute_temp_loss}</td></tr>
 * </table>
 *
 * <pre>{@code
 * Tensor e = MotionGuidanceEnergy.energy(List.of(a0, a1), List.of(ref0, ref1));     // 0-d, differentiable in a0, a1
 * }</pre>
 */
public final class MotionGuidanceEnergy {
    /** The per-layer factor of {@code compute_temp_loss} (SPEC §3.4). */
    public static final double LAYER_SCALE = 100;
    /** {@code temp_loss_scale} (SPEC §3.4). */
    public static final double ENERGY_SCALE = 100;

    private MotionGuidanceEnergy() {}

    /** {@code softmax(q k^T / sqrt(d))} over the last axis: q, k {@code [N, F, d]} -> {@code [N, F, F]} (eq. 5). */
    public static Tensor attention(Tensor q, Tensor k) {
        if (q.rank() != 3 || !Arrays.equals(q.shape(), k.shape())) {
            throw new IllegalArgumentException("MotionGuidanceEnergy: q and k must both be [N, F, d], got " + Shape.str(q.shape()) + " and " + Shape.str(k.shape()));
        }
        double scale = 1 / Math.sqrt(q.shape(2));
        Tensor scores = Arithmetic.mul(LinearAlgebra.matmul(q, k.transpose(1, 2)), scale);   // [N, F, d] x [N, d, F] -> [N, F, F]
        return Softmax.softmax(scores, -1);
    }

    /**
     * The top-1 mask of eq. 7: one-hot of the argmax over the last (key) axis of {@code reference [..., F, F]} (the
     * first maximum on ties), a constant of the reference's shape and dtype.
     */
    public static Tensor mask(Tensor reference) {
        int f = reference.shape(-1);
        double[] a = reference.toDoubleArray();
        double[] m = new double[a.length];
        for (int row = 0; row < a.length / f; row++) {
            int best = row * f;
            for (int j = row * f + 1; j < (row + 1) * f; j++) if (a[j] > a[best]) best = j;
            m[best] = 1;
        }
        Tensor out = Tensor.of(m, reference.shape());
        return reference.dtype() == DType.FLOAT64 ? out : out.to(reference.dtype());
    }

    /**
     * {@code E} over layers whose attention maps are {@code [N_l, F, F]} (or any {@code [..., F, F]}, flattened), as a
     * 0-d tensor: the op {@code motion_guidance_energy} from attention probabilities.
     */
    public static Tensor energy(List<Tensor> attention, List<Tensor> reference) {
        checkLayers(attention, reference);
        Tensor sum = null;
        for (int l = 0; l < attention.size(); l++) {
            Tensor a = attention.get(l), ref = reference.get(l).reshape(a.shape());
            int f = a.shape(-1), n = a.numel() / (f * f);
            Tensor el = Arithmetic.mul(maskedSquares(a, ref, null), 1.0 / ((double) n * f));   // E_l, 0-d
            el = Arithmetic.mul(el, LAYER_SCALE);
            sum = sum == null ? el : Arithmetic.add(sum, el);
        }
        return Arithmetic.mul(sum, ENERGY_SCALE / attention.size());
    }

    /**
     * {@code E} of each video of a batch separately, {@code [B]}: layer l's maps are {@code [B, n_l, F, F]} (or
     * {@code [B * n_l, F, F]} with the videos' rows contiguous, e.g. the UNet hook's {@code [S, heads, F, F]} with
     * {@code S = B R1 R2}). Summing the result and differentiating gives every video its own score, independent of
     * which videos share the batch (the released code computes the score one video at a time).
     */
    public static Tensor energyPerVideo(List<Tensor> attention, List<Tensor> reference, int batch) {
        checkLayers(attention, reference);
        Tensor sum = null;
        for (int l = 0; l < attention.size(); l++) {
            Tensor a = attention.get(l), ref = reference.get(l);
            int f = a.shape(-1), rows = a.numel() / (f * f);
            if (rows % batch != 0) throw new IllegalArgumentException("MotionGuidanceEnergy: layer " + l + " has " + rows + " attention rows, not a multiple of " + batch + " videos");
            int n = rows / batch;
            Tensor el = Arithmetic.mul(maskedSquares(a.reshape(batch, n, f, f), ref.reshape(batch, n, f, f), new int[] {1, 2, 3}), LAYER_SCALE / ((double) n * f));   // [B]
            sum = sum == null ? el : Arithmetic.add(sum, el);
        }
        return Arithmetic.mul(sum, ENERGY_SCALE / attention.size());
    }

    /** {@code sum M (ref - a)^2} over {@code axes} (null: all), with the mask of the (detached) reference. */
    private static Tensor maskedSquares(Tensor a, Tensor ref, int[] axes) {
        Tensor constant = ref.detach();
        Tensor sq = Pointwise.square(Arithmetic.sub(constant, a));
        return Reductions.sum(Arithmetic.mul(sq, mask(constant)), axes, false);
    }

    private static void checkLayers(List<Tensor> attention, List<Tensor> reference) {
        if (attention.isEmpty() || attention.size() != reference.size()) {
            throw new IllegalArgumentException("MotionGuidanceEnergy: needs the same non-zero number of attention and reference layers, got " + attention.size() + " and " + reference.size());
        }
        for (int l = 0; l < attention.size(); l++) {
            Tensor a = attention.get(l), r = reference.get(l);
            if (a.rank() < 2 || a.shape(-1) != a.shape(-2) || a.numel() != r.numel() || a.shape(-1) != r.shape(-1) || a.dtype() != r.dtype()) {
                throw new IllegalArgumentException("MotionGuidanceEnergy: layer " + l + ": attention " + a.dtype() + Shape.str(a.shape()) + " and reference " + r.dtype() + Shape.str(r.shape()) + " must be [..., F, F] maps of one size and dtype");
            }
        }
    }
}
