package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.check.Tolerance;

import java.nio.file.Path;
import java.util.Map;

/**
 * One case of a suite, as {@code manifest.json} describes it (docs/ORACLE.md §3). Tensor data stays on disk
 * until {@link SuiteFiles} reads it.
 *
 * @param dir the suite directory, against which file names resolve
 * @param inputs input name to tensor entry, in manifest order
 * @param outputs output name to reference tensor
 * @param upstream output name to upstream gradient (empty for ops without gradients)
 * @param grads float input name to reference gradient (empty for ops without gradients)
 * @param files role to extra file ({@code tiny_video_unet}: weights and parameter gradients)
 * @param tolerances the pass rule per precision
 */
public record OracleCase(Path dir, String id, String op, String note, Attrs attrs,
                         Map<String, TensorEntry> inputs, Map<String, TensorEntry> outputs,
                         Map<String, TensorEntry> upstream, Map<String, TensorEntry> grads,
                         Map<String, FileEntry> files, Map<DType, Tolerance> tolerances) {

    /** A {@code .npy} file of the case: its name, element type, shape and SHA-256 digest. */
    public record TensorEntry(String file, DType dtype, int[] shape, String sha256) {}

    /** Another file of the case (safetensors), with its SHA-256 digest. */
    public record FileEntry(String file, String sha256) {}

    /** Whether the case checks gradients (it has upstream tensors). */
    public boolean differentiable() {
        return !upstream.isEmpty();
    }

    public Tolerance tolerance(DType dtype) {
        Tolerance t = tolerances.get(dtype);
        if (t == null) throw new IllegalArgumentException("case " + id + ": no " + dtype + " tolerance");
        return t;
    }

    /** The path of an extra file by role, e.g. {@code weights_float64}. */
    public Path file(String role) {
        FileEntry f = files.get(role);
        if (f == null) throw new IllegalArgumentException("case " + id + ": no file with role '" + role + "'");
        return dir.resolve(f.file());
    }

    @Override
    public String toString() {
        return id + " (" + op + ")";
    }
}
