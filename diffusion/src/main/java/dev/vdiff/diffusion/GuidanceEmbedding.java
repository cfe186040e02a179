package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * The guidance-scale embedding {@code emb(w)} with which an LCM student is told its guidance scale (SPEC §1.5;
 * Luo et al. 2023, "Latent Consistency Models", §4.2, after the w-conditioning of Meng et al. 2023).
 *
 * <table>
 *   <caption>Notation (SPEC §1.5)</caption>
 *   <tr><th>here</th><th>SPEC</th><th>meaning</th></tr>
 *   <tr><td>{@code w}</td><td>w</td><td>guidance scale in the LCM convention ({@link ClassifierFreeGuidance.Convention#LCM})</td></tr>
 *   <tr><td>{@code dim}</td><td>D</td><td>embedding width (256 in T2V-Turbo)</td></tr>
 *   <tr><td>{@code half}</td><td>half = floor(D/2)</td><td>number of frequencies</td></tr>
 * </table>
 * <pre>
 *   u = 1000 w,   freq_j = exp(-ln(10000) j / (half - 1)),  j = 0 .. half-1
 *   emb(w) = [ sin(u freq_0) .. sin(u freq_{half-1}),  cos(u freq_0) .. cos(u freq_{half-1}),  0 if D odd ]
 * </pre>
 * Sines come first and the exponent divides by {@code half - 1}; the UNet's timestep embedding
 * ({@link dev.vdiff.tensor.ops.Embeddings#timestep}) has cosines first and divides by {@code half}.
 *
 * <pre>{@code
 * GuidanceEmbedding.embed(Tensor.of(new double[] {0}, 1), 4, DType.FLOAT64);   // [[0, 0, 1, 1]]
 * }</pre>
 *
 * <p>Float32 follows PyTorch's float32 evaluation order: {@code u}, the frequency step, the frequencies and the
 * angles are each rounded to float32, sin/cos of the float32 angle rounded again. A constant (no gradient).
 */
public final class GuidanceEmbedding {
    private GuidanceEmbedding() {}

    /** {@code emb(w)} for every guidance scale of the float tensor {@code w [B]}: {@code [B, dim]} in {@code dtype}. */
    public static Tensor embed(Tensor w, int dim, DType dtype) {
        if (w.rank() != 1 || !w.dtype().isFloat()) throw new IllegalArgumentException("GuidanceEmbedding: w must be a float tensor [B], got " + w.dtype() + Shape.str(w.shape()));
        if (dim < 4) throw new IllegalArgumentException("GuidanceEmbedding: dim must be >= 4 (the exponent divides by dim/2 - 1), got " + dim);
        if (!dtype.isFloat()) throw new IllegalArgumentException("GuidanceEmbedding: output dtype must be float32 or float64, got " + dtype);
        double[] scales = w.toDoubleArray();
        int b = scales.length, half = dim / 2;
        if (dtype == DType.FLOAT64) {
            double[] out = new double[b * dim];   // an odd dim leaves the last column 0 (the zero pad)
            double step = Math.log(10000) / (half - 1);
            for (int j = 0; j < half; j++) {
                double freq = Math.exp(-step * j);
                for (int r = 0; r < b; r++) {
                    double angle = 1000 * scales[r] * freq;
                    out[r * dim + j] = Math.sin(angle);
                    out[r * dim + half + j] = Math.cos(angle);
                }
            }
            return Tensor.of(out, b, dim);
        }
        float[] out = new float[b * dim];
        float step = (float) Math.log(10000) / (float) (half - 1);
        for (int j = 0; j < half; j++) {
            float freq = (float) Math.exp((float) j * -step);
            for (int r = 0; r < b; r++) {
                float angle = (float) (scales[r] * 1000) * freq;
                out[r * dim + j] = (float) Math.sin(angle);
                out[r * dim + half + j] = (float) Math.cos(angle);
            }
        }
        return Tensor.of(out, b, dim);
    }

    /** {@code emb(w)} of one scale repeated for a batch: {@code [batch, dim]}. */
    public static Tensor embed(double w, int batch, int dim, DType dtype) {
        double[] ws = new double[batch];
        java.util.Arrays.fill(ws, w);
        return embed(Tensor.of(ws, batch), dim, dtype);
    }
}
