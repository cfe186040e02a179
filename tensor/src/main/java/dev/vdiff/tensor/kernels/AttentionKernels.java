package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Fused scaled dot-product attention, forward and backward (docs/ORACLE.md §5.11), float32 and float64.
 *
 * <p>Shape legend, per (batch b, head h) "pair": {@code Q [Sq, Dk]}, {@code K [Sk, Dk]}, {@code V [Sk, Dv]},
 * {@code O, dO [Sq, Dv]}, scores and probabilities {@code S, P [Sq, Sk]}. Feature axes are contiguous; where
 * the rows of a pair's matrix start is given by a {@link Rows} (so [B, H, S, D] tensors and the head slices
 * of [S, T, C] tensors are read in place, with no permute copies).
 *
 * <pre>
 *   forward:  S = (Q K^T) / sqrt(Dk), blocked entries -inf;  P = softmax_rows(S);  O = P V
 *             saved per row: lse = m + log(sum_j exp(S_j - m)), m the row maximum
 *   backward: P recomputed as exp(S - lse)            (recomputing costs one Q K^T; saving P would cost
 *                                                       Sq*Sk floats per pair)
 *             dV = P^T dO,  dP = dO V^T,  D_i = dO_i . O_i,  dS = P * (dP - D) / sqrt(Dk)
 *             dQ = dS K,    dK = dS^T Q
 * </pre>
 * Blocked entries get P = 0, so they contribute to nothing, forward or backward. A query row whose keys are
 * all blocked gets output 0 and gradient 0 (PyTorch gives NaN there; docs/ORACLE.md excludes such rows).
 *
 * <p>Pairs run in parallel and each writes only its own rows of O, lse, dQ, dK, dV, so results do not
 * depend on the thread count. Query rows are processed in blocks of {@link #queryBlock} rows so that the
 * score tiles stay in cache for long sequences; dV and dK accumulate over the blocks in order.
 * Float32 uses {@link AttentionSimd} when {@link Simd#ENABLED}, else {@link AttentionScalar}; float64 always
 * runs the scalar loops.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    /** Element {@code (b, h, i, d)} of a matrix lies at {@code offset + b*batch + h*head + i*row + d}. */
    public record Rows(int batch, int head, int row, int offset) {
        /** Rows that start at element 0 of their array. */
        public Rows(int batch, int head, int row) {
            this(batch, head, row, 0);
        }

        public int base(int b, int h) {
            return offset + b * batch + h * head;
        }

        /** Rows of a dense {@code [B, H, S, D]} tensor. */
        public static Rows dense(int heads, int seq, int dim) {
            return new Rows(heads * seq * dim, seq * dim, dim);
        }

        /** Head slices of a dense {@code [S, T, C]} tensor, head {@code h} owning channels {@code h*hd ..}. */
        public static Rows headSlices(int tokens, int channels, int headDim) {
            return new Rows(tokens * channels, headDim, channels);
        }

        /**
         * Head slices of third {@code part} (0 = q, 1 = k, 2 = v) of a dense {@code [S, T, 3C]} tensor: a qkv
         * projection's output read in place. Only the JVM kernels honour {@link #offset}.
         */
        public static Rows packedThird(int tokens, int channels, int headDim, int part) {
            return new Rows(tokens * 3 * channels, headDim, 3 * channels, part * channels);
        }
    }

    /** An int64 mask viewed as [B, H, Sq, Sk] (strides 0 where broadcast); 0 = blocked. */
    public record Mask(long[] data, int offset, int batch, int head, int query, int key) {
        boolean blocked(int b, int h, int i, int j) {
            return data[offset + b * batch + h * head + i * query + j * key] == 0;
        }

        /** Sets {@code s[off + j] = -inf} for the blocked keys of query row i. */
        void apply(float[] s, int off, int b, int h, int i, int sk) {
            int base = offset + b * batch + h * head + i * query;
            for (int j = 0; j < sk; j++) if (data[base + j * key] == 0) s[off + j] = Float.NEGATIVE_INFINITY;
        }

        void apply(double[] s, int off, int b, int h, int i, int sk) {
            int base = offset + b * batch + h * head + i * query;
            for (int j = 0; j < sk; j++) if (data[base + j * key] == 0) s[off + j] = Double.NEGATIVE_INFINITY;
        }
    }

    /** Sizes and layouts of one attention call; {@code mask} may be null. */
    public record Geometry(int batch, int heads, int sq, int sk, int dk, int dv, Rows q, Rows k, Rows v, Rows o, Mask mask) {
        int pairs() {
            return batch * heads;
        }

        /** Query rows per block: the score tiles of a block ({@code 2 * rows * Sk} floats) stay near 256 KiB. */
        int queryBlock() {
            return Math.max(4, Math.min(sq, (1 << 15) / Math.max(1, sk)));
        }

        /** Pairs per task: enough work per task for short sequences. */
        int grain() {
            long work = (long) sq * sk * (dk + dv);
            return (int) Math.max(1, Math.min(pairs(), (1L << 16) / Math.max(1, work)));
        }
    }

    // ------------------------------------------------------------------------------------------ float32

    /**
     * out [pairs' O rows] = attention(q, k, v); lse [B*H*Sq]; probs [B, H, Sq, Sk] (dense) receives P when
     * non-null.
     */
    public static void forward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, Geometry g) {
        forward(q, k, v, out, lse, probs, g, Simd.ENABLED);
    }

    /** As {@link #forward(float[], float[], float[], float[], float[], float[], Geometry)}, choosing the path (tests). */
    public static void forward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, Geometry g, boolean simd) {
        Parallel.forRange(g.pairs(), g.grain(), (lo, hi) -> {
            if (simd) AttentionSimd.forward(q, k, v, out, lse, probs, g, lo, hi);
            else AttentionScalar.forward(q, k, v, out, lse, probs, g, lo, hi);
        });
    }

    /** dq, dk, dv (zero-filled on entry, laid out like q, k, v) from the upstream dout (laid out like out). */
    public static void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                                float[] dq, float[] dk, float[] dv, Geometry g) {
        backward(q, k, v, out, lse, dout, dq, dk, dv, g, Simd.ENABLED);
    }

    /** As {@link #backward(float[], float[], float[], float[], float[], float[], float[], float[], float[], Geometry)}, choosing the path (tests). */
    public static void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                                float[] dq, float[] dk, float[] dv, Geometry g, boolean simd) {
        Parallel.forRange(g.pairs(), g.grain(), (lo, hi) -> {
            if (simd) AttentionSimd.backward(q, k, v, out, lse, dout, dq, dk, dv, g, lo, hi);
            else AttentionScalar.backward(q, k, v, out, lse, dout, dq, dk, dv, g, lo, hi);
        });
    }

    // ------------------------------------------------------------------------------------------ float64

    public static void forward(double[] q, double[] k, double[] v, double[] out, double[] lse, double[] probs, Geometry g) {
        Parallel.forRange(g.pairs(), g.grain(), (lo, hi) -> AttentionScalar.forward(q, k, v, out, lse, probs, g, lo, hi));
    }

    public static void backward(double[] q, double[] k, double[] v, double[] out, double[] lse, double[] dout,
                                double[] dq, double[] dk, double[] dv, Geometry g) {
        Parallel.forRange(g.pairs(), g.grain(), (lo, hi) -> AttentionScalar.backward(q, k, v, out, lse, dout, dq, dk, dv, g, lo, hi));
    }
}
