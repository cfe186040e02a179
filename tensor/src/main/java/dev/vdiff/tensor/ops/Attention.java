package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import dev.vdiff.tensor.kernels.AttentionKernels.Mask;
import dev.vdiff.tensor.kernels.AttentionKernels.Rows;

import java.util.function.Consumer;

/**
 * Softmax attention without projections (docs/ORACLE.md §5.11): {@code softmax(q k^T / sqrt(Dk)) v}, fused into
 * one kernel forward and one backward (see {@link AttentionKernels}).
 *
 * <pre>{@code
 * // one query attending to two keys, Dk = 1: scores q k^T = [0, 2], P = softmax([0, 2]) = [0.119, 0.881]
 * Tensor q = Tensor.of(new double[] {1}, 1, 1, 1, 1);
 * Tensor k = Tensor.of(new double[] {0, 2}, 1, 1, 2, 1);
 * Tensor v = Tensor.of(new double[] {10, 20}, 1, 1, 2, 1);
 * Attention.scaledDotProduct(q, k, v, null);                          // [[[[18.81]]]] = 0.119*10 + 0.881*20
 * Attention.scaledDotProduct(q, k, v, Tensor.ofLongs(new long[] {1, 0}, 1, 2));   // key 1 blocked: [[[[10]]]]
 * }</pre>
 *
 * Gradients flow to q, k and v (not to the mask). The attention probabilities P can be handed to a
 * {@code Consumer<Tensor>} ("probability hook"): a dense, detached {@code [B, H, Sq, Sk]} tensor of the
 * forward's P, given to the consumer before the call returns, e.g. for an energy that measures how tokens
 * attend. It is a constant: gradients do not flow through it. Without a hook P is not kept: backward
 * recomputes it from the saved per-row log-sum-exp.
 */
public final class Attention {
    private Attention() {}

    /**
     * {@code q [B, H, Sq, Dk]}, {@code k [B, H, Sk, Dk]}, {@code v [B, H, Sk, Dv]} -> {@code [B, H, Sq, Dv]}.
     * {@code mask} (int64, or null) broadcasts to {@code [B, H, Sq, Sk]}; 0 blocks query i from key j.
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return scaledDotProduct(q, k, v, mask, null);
    }

    /** As {@link #scaledDotProduct(Tensor, Tensor, Tensor, Tensor)}; {@code probabilities} (if non-null) receives P {@code [B, H, Sq, Sk]}. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, Consumer<Tensor> probabilities) {
        String op = "scaled_dot_product_attention";
        sameFloat(op, q, k, v);
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException(op + ": q, k, v must be [B, H, S, D], got q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
        int b = q.shape(0), h = q.shape(1), sq = q.shape(2), dk = q.shape(3), sk = k.shape(2), dv = v.shape(3);
        if (k.shape(0) != b || k.shape(1) != h || k.shape(3) != dk || v.shape(0) != b || v.shape(1) != h || v.shape(2) != sk) {
            throw new IllegalArgumentException(op + ": need q [B, H, Sq, Dk], k [B, H, Sk, Dk], v [B, H, Sk, Dv]; got q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
        if (dk == 0) throw new IllegalArgumentException(op + ": the feature size Dk of q " + Shape.str(q.shape()) + " must be at least 1");
        Mask m = mask == null ? null : mask(op, mask, b, h, sq, sk);
        Geometry g = new Geometry(b, h, sq, sk, dk, dv, Rows.dense(h, sq, dk), Rows.dense(h, sk, dk), Rows.dense(h, sk, dv), Rows.dense(h, sq, dv), m);
        return run(op, q, k, v, g, new int[] {b, h, sq, dv}, probabilities);
    }

    /**
     * Multi-head attention core on {@code q [S, Tq, C]}, {@code k, v [S, Tk, C]} -> {@code [S, Tq, C]}: S
     * independent sequences; head j owns channels {@code j*C/heads .. (j+1)*C/heads - 1} of all three and of
     * the output. Equal to {@code scaledDotProduct} on the inputs reshaped to {@code [S, T, heads, C/heads]}
     * and permuted to {@code [S, heads, T, C/heads]} (and the output permuted back), but reads and writes
     * the head slices in place.
     */
    public static Tensor multiHead(Tensor q, Tensor k, Tensor v, int heads) {
        return multiHead(q, k, v, heads, null);
    }

    /** As {@link #multiHead(Tensor, Tensor, Tensor, int)}; {@code probabilities} (if non-null) receives P {@code [S, heads, Tq, Tk]}. */
    public static Tensor multiHead(Tensor q, Tensor k, Tensor v, int heads, Consumer<Tensor> probabilities) {
        return multiHead(q, k, v, heads, null, probabilities);
    }

    /**
     * As {@link #multiHead(Tensor, Tensor, Tensor, int)} with a key mask: {@code mask} (int64, or null) broadcasts
     * to the scores {@code [S, heads, Tq, Tk]}, 0 blocks query i from key j, e.g. {@code [S, 1, 1, Tk]} to hide
     * the padding tokens of a caption from every query. A query whose keys are all blocked gets output 0.
     */
    public static Tensor multiHead(Tensor q, Tensor k, Tensor v, int heads, Tensor mask, Consumer<Tensor> probabilities) {
        String op = "multi_head_attention";
        sameFloat(op, q, k, v);
        if (q.rank() != 3 || k.rank() != 3 || !java.util.Arrays.equals(k.shape(), v.shape()) || k.shape(0) != q.shape(0) || k.shape(2) != q.shape(2)) {
            throw new IllegalArgumentException(op + ": need q [S, Tq, C] and k, v [S, Tk, C]; got q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v " + Shape.str(v.shape()));
        }
        int s = q.shape(0), tq = q.shape(1), tk = k.shape(1), c = q.shape(2);
        if (heads < 1 || c % heads != 0) throw new IllegalArgumentException(op + ": " + heads + " heads do not divide the " + c + " channels of q " + Shape.str(q.shape()));
        int hd = c / heads;
        Rows rq = Rows.headSlices(tq, c, hd), rkv = Rows.headSlices(tk, c, hd);
        Mask m = mask == null ? null : mask(op, mask, s, heads, tq, tk);
        Geometry g = new Geometry(s, heads, tq, tk, hd, hd, rq, rkv, rkv, rq, m);
        return run(op, q, k, v, g, q.shape(), probabilities);
    }

    /**
     * {@link #multiHead(Tensor, Tensor, Tensor, int)} on the output of one qkv projection: {@code qkv [S, T, 3C]}, whose
     * three contiguous thirds of the last axis are q, k and v, -> {@code [S, T, C]}. The same values as {@code
     * multiHead(qkv.narrow(2, 0, C), qkv.narrow(2, C, C), qkv.narrow(2, 2C, C), heads)}, but the kernels read the
     * thirds where they lie and the backward writes dq, dk and dv into one {@code [S, T, 3C]} gradient: no copies of
     * q, k and v, and no zero-filled {@code [S, T, 3C]} slice gradients for the engine to sum (which turned an exact
     * -0 in dq, dk or dv into +0; nothing else differs). Off the JVM device it is that narrow form.
     */
    public static Tensor multiHeadPacked(Tensor qkv, int heads) {
        String op = "multi_head_attention";
        if (qkv.rank() != 3 || qkv.shape(2) % 3 != 0) throw new IllegalArgumentException(op + ": packed qkv must be [S, T, 3C], got " + Shape.str(qkv.shape()));
        if (!qkv.dtype().isFloat()) throw new IllegalArgumentException(op + ": qkv must be float32 or float64, got " + qkv.dtype() + Shape.str(qkv.shape()));
        int s = qkv.shape(0), t = qkv.shape(1), c = qkv.shape(2) / 3;
        if (heads < 1 || c % heads != 0) throw new IllegalArgumentException(op + ": " + heads + " heads do not divide the " + c + " channels of each third of qkv " + Shape.str(qkv.shape()));
        if (!qkv.device().isJvm()) {   // device kernels take no row offsets: the three views, copied
            return multiHead(qkv.narrow(2, 0, c), qkv.narrow(2, c, c), qkv.narrow(2, 2 * c, c), heads);
        }
        int hd = c / heads;
        Geometry g = new Geometry(s, heads, t, t, hd, hd, Rows.packedThird(t, c, hd, 0), Rows.packedThird(t, c, hd, 1),
            Rows.packedThird(t, c, hd, 2), Rows.headSlices(t, c, hd), null);
        Tensor x = qkv.contiguous();   // [S, T, 3C]; a view of nothing else's storage is read as it is
        int[] outShape = {s, t, c};
        Tensor out;
        Object lse;
        if (x.dtype() == DType.FLOAT32) {
            float[] a = x.floats(), o = new float[s * t * c], l = new float[s * heads * t];
            AttentionKernels.forward(a, a, a, o, l, null, g);
            out = Tensor.of(o, outShape);
            lse = l;
        } else {
            double[] a = x.doubles(), o = new double[s * t * c], l = new double[s * heads * t];
            AttentionKernels.forward(a, a, a, o, l, null, g);
            out = Tensor.of(o, outShape);
            lse = l;
        }
        Tensor outD = out.detach();
        return Autograd.record(out, op, up -> {
            if (x.dtype() == DType.FLOAT32) {
                float[] a = x.floats(), d = new float[x.numel()];   // dq | dk | dv, zero-filled as the kernel wants
                AttentionKernels.backward(a, a, a, outD.floats(), (float[]) lse, up.floats(), d, d, d, g);
                return new Tensor[] {Tensor.of(d, x.shape())};
            }
            double[] a = x.doubles(), d = new double[x.numel()];
            AttentionKernels.backward(a, a, a, outD.doubles(), (double[]) lse, up.doubles(), d, d, d, g);
            return new Tensor[] {Tensor.of(d, x.shape())};
        }, x);
    }

    private static Tensor run(String op, Tensor q, Tensor k, Tensor v, Geometry g, int[] outShape, Consumer<Tensor> probabilities) {
        Tensor qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
        int rowsLse = g.batch() * g.heads() * g.sq(), outN = Shape.numel(outShape);
        int[] probsShape = {g.batch(), g.heads(), g.sq(), g.sk()};
        Tensor out, probs = null;
        Object lse;
        KernelBackend be = Tensor.deviceOf(q, k, v).kernels();
        if (q.dtype() == DType.FLOAT32) {
            float[] o = new float[outN], l = new float[rowsLse], p = probabilities == null ? null : new float[Shape.numel(probsShape)];
            be.attentionForward(qc.deviceFloats(), kc.deviceFloats(), vc.deviceFloats(), o, l, p, g);
            out = Tensor.of(o, outShape);
            lse = l;
            if (p != null) probs = Tensor.of(p, probsShape);
        } else {
            double[] o = new double[outN], l = new double[rowsLse], p = probabilities == null ? null : new double[Shape.numel(probsShape)];
            AttentionKernels.forward(qc.doubles(), kc.doubles(), vc.doubles(), o, l, p, g);
            out = Tensor.of(o, outShape);
            lse = l;
            if (p != null) probs = Tensor.of(p, probsShape);
        }
        if (probabilities != null) probabilities.accept(probs);
        Tensor outD = out.detach();
        return Autograd.record(out, op, up -> {
            Tensor dq, dk, dv;
            if (q.dtype() == DType.FLOAT32) {
                float[] a = new float[qc.numel()], bb = new float[kc.numel()], c = new float[vc.numel()];
                be.attentionBackward(qc.deviceFloats(), kc.deviceFloats(), vc.deviceFloats(), outD.deviceFloats(), (float[]) lse, up.deviceFloats(), a, bb, c, g);
                dq = Tensor.of(a, qc.shape());
                dk = Tensor.of(bb, kc.shape());
                dv = Tensor.of(c, vc.shape());
            } else {
                double[] a = new double[qc.numel()], bb = new double[kc.numel()], c = new double[vc.numel()];
                AttentionKernels.backward(qc.doubles(), kc.doubles(), vc.doubles(), outD.doubles(), (double[]) lse, up.doubles(), a, bb, c, g);
                dq = Tensor.of(a, qc.shape());
                dk = Tensor.of(bb, kc.shape());
                dv = Tensor.of(c, vc.shape());
            }
            return new Tensor[] {qc.requiresGrad() ? dq : null, kc.requiresGrad() ? dk : null, vc.requiresGrad() ? dv : null};
        }, qc, kc, vc);
    }

    private static void sameFloat(String op, Tensor q, Tensor k, Tensor v) {
        if (!q.dtype().isFloat() || q.dtype() != k.dtype() || q.dtype() != v.dtype()) {
            throw new IllegalArgumentException(op + ": q, k, v must share one float dtype, got q " + q.dtype() + Shape.str(q.shape()) + ", k " + k.dtype() + Shape.str(k.shape()) + ", v " + v.dtype() + Shape.str(v.shape()));
        }
    }

    /** The mask as a [B, H, Sq, Sk] strided view of its storage (stride 0 along broadcast axes). */
    private static Mask mask(String op, Tensor mask, int b, int h, int sq, int sk) {
        int[] target = {b, h, sq, sk}, ms = mask.shape();
        if (mask.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": mask must be int64 (1 = attend, 0 = blocked), got " + mask.dtype() + Shape.str(ms));
        boolean ok = ms.length <= 4;
        for (int i = 0; ok && i < ms.length; i++) {
            int t = target[4 - ms.length + i];
            ok = ms[i] == t || ms[i] == 1;
        }
        if (!ok) throw new IllegalArgumentException(op + ": mask " + Shape.str(ms) + " does not broadcast to the scores [B, H, Sq, Sk] = " + Shape.str(target));
        Tensor e = mask.detach().expand(target);
        int[] st = e.strides();
        return new Mask((long[]) e.storage(), e.offset(), st[0], st[1], st[2], st[3]);
    }
}
