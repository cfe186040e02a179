package dev.vdiff.tensor;

import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.OpProfile;
import dev.vdiff.tensor.backend.Device;

import java.util.Arrays;

/**
 * Shape ops: views that share storage (reshape of dense data, permute, narrow, expand, squeeze) and the
 * copies they fall back to. Each records its backward, so views can sit anywhere in a differentiable graph.
 */
public final class Views {
    private Views() {}

    public static Tensor contiguous(Tensor x) {
        if (x.isDense()) return x;
        Device d = OnDevice.of(x);   // float32 on a device: the copy runs there (nothing is brought home)
        Tensor out = d != null ? OnDevice.dense(d, x) : Tensor.dense(x.dtype(), Strided.toDense(x), x.shape());
        if (OpProfile.on()) OpProfile.forwardOp("contiguous" + Shape.str(x.shape()));   // per-shape profile key (bench --profile-ops)
        return Autograd.recordComposite(out, "contiguous", g -> new Tensor[] {g}, x);
    }

    public static Tensor copy(Tensor x) {
        Device d = OnDevice.of(x);
        if (d != null) return OnDevice.dense(d, x);
        return Tensor.dense(x.dtype(), Strided.toDense(x), x.shape());
    }

    public static Tensor reshape(Tensor x, int... newShape) {
        int[] shape = inferShape(x, newShape);
        int[] in = x.shape();
        if (Arrays.equals(shape, in)) return x;
        Tensor d = x.isDense() ? x : copy(x);
        if (d != x && OpProfile.on()) OpProfile.forwardOp("reshape" + Shape.str(in) + "(copy)");   // per-shape profile key
        Tensor out = new Tensor(x.dtype(), shape, Shape.denseStrides(shape), 0, d.deviceStorage());
        return Autograd.recordComposite(out, "reshape", g -> new Tensor[] {g.reshape(in)}, x);
    }

    private static int[] inferShape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape to " + Shape.str(newShape) + ": only one dimension may be -1");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape to " + Shape.str(newShape) + ": negative dimension");
            } else {
                known *= s[i];
            }
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) throw new IllegalArgumentException("cannot reshape " + Shape.str(x.shape()) + " to " + Shape.str(newShape));
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(x.shape()) + " (" + n + " elements) to " + Shape.str(newShape));
        }
        return s;
    }

    public static Tensor permute(Tensor x, int... perm) {
        int r = x.rank();
        if (perm.length != r) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " of a rank-" + r + " tensor");
        int[] shape = x.shape(), strides = x.strides();
        int[] ns = new int[r], nst = new int[r], inv = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int p = Shape.axis(perm[i], r);
            if (used[p]) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " repeats axis " + p);
            used[p] = true;
            ns[i] = shape[p];
            nst[i] = strides[p];
            inv[p] = i;
        }
        Tensor out = new Tensor(x.dtype(), ns, nst, x.offset(), x.deviceStorage());
        return Autograd.recordComposite(out, "permute", g -> new Tensor[] {g.permute(inv)}, x);
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        int r = x.rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        a = Shape.axis(a, r);
        b = Shape.axis(b, r);
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    public static Tensor unsqueeze(Tensor x, int axis) {
        int r = x.rank();
        int a = axis < 0 ? axis + r + 1 : axis;
        if (a < 0 || a > r) throw new IllegalArgumentException("unsqueeze axis " + axis + " out of range for rank " + r);
        int[] s = x.shape(), st = x.strides();
        int[] ns = new int[r + 1], nst = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == a) {
                ns[i] = 1;
                nst[i] = j < r ? st[j] * s[j] : 1;
            } else {
                ns[i] = s[j];
                nst[i] = st[j];
                j++;
            }
        }
        int[] in = x.shape();
        Tensor out = new Tensor(x.dtype(), ns, nst, x.offset(), x.deviceStorage());
        return Autograd.recordComposite(out, "unsqueeze", g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Tensor squeeze(Tensor x, int axis) {
        int r = x.rank();
        int a = Shape.axis(axis, r);
        int[] s = x.shape(), st = x.strides();
        if (s[a] != 1) throw new IllegalArgumentException("squeeze axis " + axis + " of shape " + Shape.str(s) + ": size is " + s[a] + ", not 1");
        int[] ns = new int[r - 1], nst = new int[r - 1];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == a) continue;
            ns[j] = s[i];
            nst[j++] = st[i];
        }
        int[] in = x.shape();
        Tensor out = new Tensor(x.dtype(), ns, nst, x.offset(), x.deviceStorage());
        return Autograd.recordComposite(out, "squeeze", g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        int r = x.rank();
        int a = Shape.axis(axis, r);
        int[] s = x.shape(), st = x.strides();
        if (start < 0 || length < 0 || start + length > s[a]) {
            throw new IllegalArgumentException("narrow(axis " + axis + ", start " + start + ", length " + length + ") outside shape " + Shape.str(s));
        }
        int[] ns = s.clone();
        ns[a] = length;
        Tensor out = new Tensor(x.dtype(), ns, st, x.offset() + start * st[a], x.deviceStorage());
        int[] in = x.shape();
        return Autograd.withSecondOrder(Autograd.record(out, "narrow", g -> {
            Device d = OnDevice.of(g);
            if (d != null) return new Tensor[] {OnDevice.padNarrowed(d, g, in, a, start)};
            Tensor z = Tensor.zeros(g.dtype(), in);
            Strided.copyInto(z.narrow(a, start, length), g.contiguous().storage());
            return new Tensor[] {z};
        }, x), g -> new Tensor[] {padNarrowed(g, in, a, start, length)});
    }

    public static Tensor expand(Tensor x, int... newShape) {
        int[] s = x.shape(), st = x.strides();
        int r = newShape.length, lead = r - s.length;
        if (lead < 0) throw new IllegalArgumentException("cannot expand " + Shape.str(s) + " to the lower-rank " + Shape.str(newShape));
        int[] nst = new int[r];
        for (int i = 0; i < r; i++) {
            if (i < lead) {
                nst[i] = 0;
                continue;
            }
            int d = s[i - lead];
            if (d == newShape[i]) nst[i] = st[i - lead];
            else if (d == 1) nst[i] = 0;
            else throw new IllegalArgumentException("cannot expand " + Shape.str(s) + " to " + Shape.str(newShape));
        }
        if (Arrays.equals(s, newShape)) return x;
        Tensor out = new Tensor(x.dtype(), newShape, nst, x.offset(), x.deviceStorage());
        return Autograd.withSecondOrder(Autograd.record(out, "expand", g -> new Tensor[] {Strided.sumTo(g, s)}, x), g -> new Tensor[] {sumToRecorded(g, s)});
    }

    public static Tensor cast(Tensor x, DType target) {
        if (x.dtype() == target) return x;
        if (!x.dtype().isFloat() && target.isFloat() || x.dtype().isFloat() && !target.isFloat()) {
            // int <-> float: a plain value conversion, outside autodiff.
            double[] v = x.toDoubleArray();
            Tensor out = Tensor.zeros(target, x.shape());
            Object d = out.storage();
            for (int i = 0; i < v.length; i++) {
                if (d instanceof long[]) ((long[]) d)[i] = (long) v[i];
                else if (d instanceof float[]) ((float[]) d)[i] = (float) v[i];
                else ((double[]) d)[i] = v[i];
            }
            return out;
        }
        Tensor c = x.contiguous();
        int n = c.numel();
        Tensor out;
        if (target == DType.FLOAT32) {
            double[] s = (double[]) c.storage();
            float[] d = new float[n];
            for (int i = 0; i < n; i++) d[i] = (float) s[i];
            out = Tensor.of(d, x.shape());
        } else {
            float[] s = (float[]) c.storage();
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = s[i];
            out = Tensor.of(d, x.shape());
        }
        DType src = x.dtype();
        return Autograd.recordComposite(out, "to(" + target + ")", g -> new Tensor[] {g.to(src)}, x);
    }

    /**
     * {@code g} summed down to {@code shape} (the gradient of a broadcast, {@link Strided#sumTo}), recorded as an op whose
     * own backward is {@code expand} back to g's shape (so the gradient can be differentiated again without this package
     * calling the ops).
     */
    private static Tensor sumToRecorded(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        Tensor out = Strided.sumTo(g, shape);
        return Autograd.recordComposite(out, "sum_to", gg -> new Tensor[] {expand(gg, gs).contiguous()}, g);
    }

    /**
     * The gradient of {@code narrow(axis, start, length)} of a tensor of shape {@code in}: g placed in zeros along
     * {@code axis}, recorded as an op whose own backward is the narrow view (so the gradient can be differentiated
     * again without this package calling the ops).
     */
    private static Tensor padNarrowed(Tensor g, int[] in, int axis, int start, int length) {
        if (start == 0 && length == in[axis]) return g;
        Device d = OnDevice.of(g);
        Tensor z;
        if (d != null) {
            z = OnDevice.padNarrowed(d, g, in, axis, start);
        } else {
            z = Tensor.zeros(g.dtype(), in);
            Strided.copyInto(z.narrow(axis, start, length), g.contiguous().storage());
        }
        return Autograd.recordComposite(z, "pad_narrowed", gg -> new Tensor[] {gg.narrow(axis, start, length)}, g);
    }
}
