package dev.vdiff.diffusion.distill;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import java.util.Arrays;

/** Per-sample values ({@code [B]}) applied to samples {@code [B, ...]}, and the checks of per-sample inputs. */
final class PerSample {
    private PerSample() {}

    /** {@code x * c} with {@code c [B]} broadcast as {@code [B, 1, ..., 1]}; {@code c} is rounded to x's dtype. */
    static Tensor times(Tensor x, Tensor c) {
        int[] shape = new int[x.rank()];
        Arrays.fill(shape, 1);
        shape[0] = x.shape(0);
        return Arithmetic.mul(x, c.to(x.dtype()).reshape(shape));   // [B] -> [B, 1, ..., 1]
    }

    /** {@code x * c} with {@code c} one float64 value per sample. */
    static Tensor times(Tensor x, double[] c) {
        return times(x, Tensor.of(c.clone(), c.length));
    }

    /** A float vector {@code [B]} (any float dtype), else a one-line error naming it. */
    static double[] floats(String who, String name, Tensor v, int batch) {
        if (v == null || !v.dtype().isFloat() || v.rank() != 1 || v.shape(0) != batch) {
            throw new IllegalArgumentException(who + ": " + name + " must be a float vector [" + batch + "] (one value per sample), got "
                + (v == null ? "null" : v.dtype() + Shape.str(v.shape())));
        }
        return v.toDoubleArray();
    }

    /** An int64 vector {@code [B]} of timesteps in {@code 0..T-1}, else a one-line error naming it. */
    static long[] timesteps(String who, String name, Tensor t, int batch, int numTrainTimesteps) {
        if (t == null || t.dtype() != DType.INT64 || t.rank() != 1 || t.shape(0) != batch) {
            throw new IllegalArgumentException(who + ": " + name + " must be int64 [" + batch + "] (one timestep per sample), got "
                + (t == null ? "null" : t.dtype() + Shape.str(t.shape())));
        }
        long[] v = t.contiguous().longs();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= numTrainTimesteps) throw new IllegalArgumentException(who + ": " + name + "[" + i + "] = " + v[i] + " outside 0.." + (numTrainTimesteps - 1));
        }
        return v;
    }

    /** Samples of one shape and float dtype, else a one-line error naming both. */
    static void sameSample(String who, String name, Tensor ref, Tensor x) {
        if (x == null || !Arrays.equals(ref.shape(), x.shape()) || ref.dtype() != x.dtype()) {
            throw new IllegalArgumentException(who + ": " + name + " must be " + ref.dtype() + Shape.str(ref.shape()) + " like z, got "
                + (x == null ? "null" : x.dtype() + Shape.str(x.shape())));
        }
    }
}
