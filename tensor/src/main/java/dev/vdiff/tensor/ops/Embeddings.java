package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

/**
 * Embedding tables and the two fixed sinusoidal embeddings of the video UNet (docs/ORACLE.md §5.20).
 *
 * <pre>{@code
 * Tensor table = Tensor.of(new double[] {0, 0, 1, 1, 2, 2}, 3, 2);       // V = 3 rows of D = 2
 * Embeddings.lookup(table, Tensor.ofLongs(new long[] {2, 0}, 2));       // [[2, 2], [0, 0]]
 * Embeddings.timestep(Tensor.ofLongs(new long[] {0}, 1), 4, DType.FLOAT64);  // [[1, 1, 0, 0]]: cosines, then sines
 * Embeddings.timestep(Tensor.of(new float[] {737.5f}, 1), 4, DType.FLOAT32);  // continuous time (flow matching)
 * Embeddings.framePositions(2, 2, DType.FLOAT64);                        // [[0, 1], [sin 1, cos 1]]
 * }</pre>
 *
 * <p>Float32 mode computes the sinusoids the way PyTorch's float32 model does: the frequencies and the
 * angles {@code t * w_i} are float32 numbers (so for t near 1000 the angle carries an error of ~6e-5, which
 * docs/ORACLE.md §5.20 accepts), and only sin/cos of that float32 angle are evaluated in double and rounded.
 */
public final class Embeddings {
    private Embeddings() {}

    /** ln(10000): the largest period of the sinusoids is 10000 * 2 pi. */
    private static final double LN_10000 = Math.log(10000.0);

    /**
     * Row lookup {@code out[..., :] = weight[indices[...], :]}, shape {@code indices.shape + [D]}.
     * The gradient of the table adds each upstream row into the row it came from (repeats accumulate).
     */
    public static Tensor lookup(Tensor weight, Tensor indices) {
        Reductions.requireFloat("lookup", weight);
        if (weight.rank() != 2) throw new IllegalArgumentException("lookup: weight must be [V, D], got shape " + Shape.str(weight.shape()));
        if (indices.dtype() != DType.INT64) throw new IllegalArgumentException("lookup: indices must be int64, got " + indices.dtype() + Shape.str(indices.shape()));
        int v = weight.shape(0), d = weight.shape(1);
        long[] idx = indices.contiguous().longs();
        int n = idx.length;
        for (int j = 0; j < n; j++) {
            if (idx[j] < 0 || idx[j] >= v) {
                throw new IllegalArgumentException("lookup: index " + idx[j] + " (at flat position " + j + " of indices " + Shape.str(indices.shape()) + ") is out of range for a table of V=" + v + " rows");
            }
        }
        int[] outShape = java.util.Arrays.copyOf(indices.shape(), indices.rank() + 1);
        outShape[indices.rank()] = d;
        Object table = weight.detach().contiguous().storage();
        Object dst = Tensor.allocate(weight.dtype(), n * d);
        for (int j = 0; j < n; j++) System.arraycopy(table, (int) idx[j] * d, dst, j * d, d);
        Tensor out = Tensor.dense(weight.dtype(), dst, outShape);
        return Autograd.record(out, "embedding", g -> {
            // scatter-add in index order: deterministic, and repeated indices sum their rows
            if (g.dtype() == DType.FLOAT32) {
                float[] gs = g.floats(), dw = new float[v * d];
                for (int j = 0; j < n; j++) {
                    int row = (int) idx[j] * d;
                    for (int c = 0; c < d; c++) dw[row + c] += gs[j * d + c];
                }
                return new Tensor[] {Tensor.of(dw, v, d)};
            }
            double[] gs = g.doubles(), dw = new double[v * d];
            for (int j = 0; j < n; j++) {
                int row = (int) idx[j] * d;
                for (int c = 0; c < d; c++) dw[row + c] += gs[j * d + c];
            }
            return new Tensor[] {Tensor.of(dw, v, d)};
        }, weight);
    }

    /**
     * Sinusoidal timestep embedding {@code [B, dim]}: with {@code half = dim/2} and
     * {@code w_i = exp(-ln(10000) i / half)}, row b is {@code [cos(t_b w_0) .. cos(t_b w_{half-1}),
     * sin(t_b w_0) .. sin(t_b w_{half-1})]}, cosines first. A constant (no gradient).
     *
     * <p>{@code t} is int64 (discrete diffusion timesteps) or float32/float64 (continuous times, e.g. a flow
     * model's {@code 1000 t}, SPEC §1.6, or a TPDiff stage's global time, SPEC §5.3); the formula is the same.
     * A float time with an integer value gives exactly the embedding of that int64 timestep (up to 2^24), since
     * every path first turns the time into the same float32 (float32 mode) or double (float64 mode) number.
     */
    public static Tensor timestep(Tensor t, int dim, DType dtype) {
        if (t.rank() != 1 || !(t.dtype() == DType.INT64 || t.dtype().isFloat())) {
            throw new IllegalArgumentException("timestep: t must be int64, float32 or float64 [B], got " + t.dtype() + Shape.str(t.shape()));
        }
        requireEvenDim("timestep", dim, dtype);
        double[] ts = times(t);
        int b = ts.length, half = dim / 2;
        if (dtype == DType.FLOAT64) {
            double[] out = new double[b * dim];
            for (int i = 0; i < half; i++) {
                double w = Math.exp(-LN_10000 * i / half);
                for (int r = 0; r < b; r++) {
                    double angle = ts[r] * w;
                    out[r * dim + i] = Math.cos(angle);
                    out[r * dim + half + i] = Math.sin(angle);
                }
            }
            return Tensor.of(out, b, dim);
        }
        // PyTorch float32: exp(float(-ln 10000) * float(i) / half) then float(t) * w, all rounded to float32
        float[] out = new float[b * dim];
        float negLn = (float) -LN_10000;
        for (int i = 0; i < half; i++) {
            float w = (float) Math.exp((negLn * (float) i) / (float) half);
            for (int r = 0; r < b; r++) {
                float angle = (float) ts[r] * w;
                out[r * dim + i] = (float) Math.cos(angle);
                out[r * dim + half + i] = (float) Math.sin(angle);
            }
        }
        return Tensor.of(out, b, dim);
    }

    /**
     * The times as doubles: int64 values converted exactly (|t| < 2^53, so {@code (float)} of the double equals
     * {@code (float)} of the long and the int64 embedding is unchanged), float values as they are. Rejects
     * non-finite float times.
     */
    private static double[] times(Tensor t) {
        if (t.dtype() == DType.INT64) {
            long[] l = t.contiguous().longs();
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                if (Math.abs(l[i]) >= (1L << 53)) throw new IllegalArgumentException("timestep: t[" + i + "] = " + l[i] + " is too large for an exact sinusoid");
                d[i] = l[i];
            }
            return d;
        }
        double[] d = t.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) throw new IllegalArgumentException("timestep: t[" + i + "] = " + d[i] + " is not finite");
        }
        return d;
    }

    /**
     * Frame position embedding {@code [frames, dim]}, sine and cosine interleaved:
     * {@code pe[f, 2i] = sin(f u_i)}, {@code pe[f, 2i+1] = cos(f u_i)}, {@code u_i = exp(-ln(10000) 2i / dim)}.
     * A constant (no gradient).
     */
    public static Tensor framePositions(int frames, int dim, DType dtype) {
        if (frames < 0) throw new IllegalArgumentException("framePositions: frames must be >= 0, got " + frames);
        requireEvenDim("framePositions", dim, dtype);
        int half = dim / 2;
        if (dtype == DType.FLOAT64) {
            double[] out = new double[frames * dim];
            for (int i = 0; i < half; i++) {
                double u = Math.exp(2 * i * (-LN_10000 / dim));
                for (int f = 0; f < frames; f++) {
                    out[f * dim + 2 * i] = Math.sin(f * u);
                    out[f * dim + 2 * i + 1] = Math.cos(f * u);
                }
            }
            return Tensor.of(out, frames, dim);
        }
        // PyTorch float32: exp(float(2i) * float(-ln 10000 / dim)) then float(f) * u
        float[] out = new float[frames * dim];
        float step = (float) (-LN_10000 / dim);
        for (int i = 0; i < half; i++) {
            float u = (float) Math.exp((float) (2 * i) * step);
            for (int f = 0; f < frames; f++) {
                float angle = (float) f * u;
                out[f * dim + 2 * i] = (float) Math.sin(angle);
                out[f * dim + 2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return Tensor.of(out, frames, dim);
    }

    private static void requireEvenDim(String op, int dim, DType dtype) {
        if (dim <= 0 || dim % 2 != 0) throw new IllegalArgumentException(op + ": dim must be a positive even number, got " + dim);
        if (!dtype.isFloat()) throw new IllegalArgumentException(op + ": dtype must be float32 or float64, got " + dtype);
    }
}
