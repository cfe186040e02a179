package dev.vdiff.verification;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.io.Safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads the data files of a case and checks them against the manifest: the SHA-256 digest of every file, and
 * the element type and shape of every tensor. Any mismatch is an {@link IllegalArgumentException} naming the
 * file, so a damaged suite fails its cases with a clear reason instead of comparing wrong numbers.
 */
public final class SuiteFiles {
    private SuiteFiles() {}

    /** The tensor of a manifest entry ({@code .npy}, float64 or int64 as stored). */
    public static Tensor tensor(OracleCase c, OracleCase.TensorEntry entry) throws IOException {
        Path file = c.dir().resolve(entry.file());
        checkDigest(file, entry.sha256());
        Tensor t = Npy.read(file);
        if (t.dtype() != entry.dtype() || !Arrays.equals(t.shape(), entry.shape())) {
            throw new IllegalArgumentException(file + " holds " + t.dtype() + Shape.str(t.shape()) + " but the manifest says " + entry.dtype() + Shape.str(entry.shape()));
        }
        return t;
    }

    /** The tensors of a safetensors file of the case, by role (e.g. {@code param_grads}), by name. */
    public static Map<String, Tensor> safetensors(OracleCase c, String role) throws IOException {
        Path file = c.file(role);
        checkDigest(file, c.files().get(role).sha256());
        return Safetensors.read(file);
    }

    private static void checkDigest(Path file, String expectedHex) throws IOException {
        if (expectedHex == null) return;
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equalsIgnoreCase(expectedHex)) {
            throw new IllegalArgumentException(file.getFileName() + " does not match the sha256 in the manifest (the file was changed or damaged)");
        }
    }
}
