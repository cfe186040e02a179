package dev.vdiff.tensor.golden;

import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test-only reader of the NPY v1.0 files of the oracle suite ({@code <f8} or {@code <i8}, C order; FORMAT.md section 2). */
final class MiniNpy {
    private MiniNpy() {}

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Tensor read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[6] != 1) throw new IOException(file + ": not an NPY v1 file");
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        if (header.contains("'fortran_order': True")) throw new IOException(file + ": Fortran order");
        Matcher d = DESCR.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) throw new IOException(file + ": header without descr/shape: " + header);
        String[] parts = s.group(1).split(",");
        int k = 0;
        int[] shape = new int[parts.length];
        for (String part : parts) if (!part.isBlank()) shape[k++] = Integer.parseInt(part.trim());
        shape = java.util.Arrays.copyOf(shape, k);
        int n = 1;
        for (int v : shape) n *= v;
        ByteBuffer buf = ByteBuffer.wrap(bytes, 10 + headerLen, 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        switch (d.group(1)) {
            case "<f8": {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                return Tensor.of(a, shape);
            }
            case "<i8": {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                return Tensor.ofLongs(a, shape);
            }
            default: throw new IOException(file + ": unsupported dtype " + d.group(1));
        }
    }
}
