package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One entry point for the three tensor file formats: {@code .npy} (one array), {@code .npz} (named arrays)
 * and {@code .safetensors} (named tensors). Reading recognises the format by its first bytes, so a file with
 * the wrong extension still reads; writing picks it from the extension.
 *
 * <pre>{@code
 * TensorFile.write(Path.of("state.safetensors"), model.namedParameters());
 * LinkedHashMap<String, Tensor> back = TensorFile.read(Path.of("state.safetensors"));
 * }</pre>
 *
 * <p>Errors are {@link TensorFileException}s with one-line messages {@code <file>: <what is wrong>}. Writes are
 * atomic (see {@link AtomicWrite}). See {@code docs/TENSOR_FILES.md}.
 */
public final class TensorFile {
    private TensorFile() {}

    /** The formats, with the extension each is written under. */
    public enum Format {
        NPY(".npy"), NPZ(".npz"), SAFETENSORS(".safetensors");

        public final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One tensor as the file describes it, without its data: {@code stored} is the file's own dtype name
     * ({@code <f4}, {@code F16}, ...), {@code dtype} what it is read as, and {@code converted} whether
     * reading changes the representation (a narrower type widened, or big-endian bytes swapped).
     */
    public record Info(String name, String stored, DType dtype, int[] shape, boolean converted) {}

    /** The format of an existing file, from its first bytes. */
    public static Format detect(Path file) throws IOException {
        try (FileChannel ch = openRead(file)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(9, ch.size()));
            ByteSource.of(ch).readFully(0, head);
            byte[] b = head.array();
            if (startsWith(b, Npy.MAGIC)) return Format.NPY;
            if (startsWith(b, new byte[] {'P', 'K', 3, 4}) || startsWith(b, new byte[] {'P', 'K', 5, 6})) return Format.NPZ;
            if (b.length == 9 && b[8] == '{') return Format.SAFETENSORS;
            try {
                return forExtension(file);   // damaged beyond recognition: that format's reader says what is wrong
            } catch (IllegalArgumentException unknown) {
                throw new TensorFileException(file, "not a .npy, .npz or .safetensors file (unrecognised first bytes)");
            }
        }
    }

    /** The format a path's extension asks for. */
    public static Format forExtension(Path file) {
        String s = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (Format f : Format.values()) if (s.endsWith(f.extension)) return f;
        throw new IllegalArgumentException(file + ": unknown tensor file extension (expected .npy, .npz or .safetensors)");
    }

    /** All tensors of a file in file order. An .npy file gives one tensor named after the file (without .npy). */
    public static LinkedHashMap<String, Tensor> read(Path file) throws IOException {
        switch (detect(file)) {
            case NPY: {
                LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
                m.put(npyName(file), Npy.read(file));
                return m;
            }
            case NPZ: return Npz.read(file);
            default: return Safetensors.read(file);
        }
    }

    /** Names, dtypes and shapes from the headers (an .npz is still inflated entry by entry). */
    public static List<Info> list(Path file) throws IOException {
        List<Info> out = new ArrayList<>();
        switch (detect(file)) {
            case NPY: {
                try (FileChannel ch = openRead(file)) {
                    Npy.Header h = Npy.readHeader(ByteSource.of(ch), Where.of(file));
                    out.add(info(npyName(file), h));
                }
                break;
            }
            case NPZ:
                for (Map.Entry<String, Npy.Header> e : Npz.headers(file).entrySet()) out.add(info(e.getKey(), e.getValue()));
                break;
            default:
                for (Safetensors.Entry e : Safetensors.readHeader(file).tensors().values()) {
                    Element el = e.element();
                    out.add(new Info(e.name(), el.safetensorsName, el.dtype, e.shape(), el != Element.of(el.dtype)));
                }
        }
        return out;
    }

    /** Writes in the format of the extension; an .npy file takes exactly one tensor. An .npz is STORED. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        switch (forExtension(file)) {
            case NPY:
                if (tensors.size() != 1) throw new IllegalArgumentException(file + ": an .npy file holds exactly one tensor, got " + tensors.size());
                Npy.write(file, tensors.values().iterator().next());
                break;
            case NPZ: Npz.write(file, tensors, false); break;
            default: Safetensors.write(file, tensors);
        }
    }

    /**
     * Opens a file for reading, turning the usual failures into one-line messages
     * ({@code x.npy: no such file}).
     */
    static FileChannel openRead(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new TensorFileException(file, "is a directory");
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new TensorFileException(file, "permission denied");
        } catch (IOException e) {
            throw new TensorFileException(file, "cannot open: " + e.getMessage(), e);
        }
    }

    private static Info info(String name, Npy.Header h) {
        Element el = h.element();
        boolean converted = el != Element.of(el.dtype) || (el.width > 1 && h.order() == java.nio.ByteOrder.BIG_ENDIAN);
        return new Info(name, h.descr(), el.dtype, h.shape(), converted);
    }

    private static String npyName(Path file) {
        String s = file.getFileName().toString();
        return s.toLowerCase(Locale.ROOT).endsWith(".npy") ? s.substring(0, s.length() - 4) : s;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }
}
