package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorFileTest {
    @TempDir
    Path tmp;

    private static LinkedHashMap<String, Tensor> sample() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("b", Tensor.of(new double[] {0.5}, 1));
        m.put("ids", Tensor.ofLongs(new long[] {9, 8}, 2));
        return m;
    }

    @Test
    void writesByExtensionAndReadsByMagic() throws Exception {
        for (String ext : new String[] {".npz", ".safetensors"}) {
            Path p = tmp.resolve("s" + ext);
            TensorFile.write(p, sample());
            Path renamed = Files.move(p, tmp.resolve("renamed" + ext + ".bin"));   // the extension no longer says
            LinkedHashMap<String, Tensor> back = TensorFile.read(renamed);
            assertEquals(List.of("w", "b", "ids"), new ArrayList<>(back.keySet()), ext);
            for (String k : back.keySet()) NpyTest.assertBitsEqual(sample().get(k), back.get(k));
            assertEquals(TensorFile.forExtension(p), TensorFile.detect(renamed));
        }
        Path npy = tmp.resolve("single.npy");
        TensorFile.write(npy, Map.of("x", Tensor.of(new double[] {4, 5}, 2)));
        assertEquals(List.of("single"), new ArrayList<>(TensorFile.read(npy).keySet()), "an .npy tensor is named after its file");
        assertEquals(TensorFile.Format.NPY, TensorFile.detect(npy));
    }

    @Test
    void listGivesStoredAndReadDtypes() throws Exception {
        List<TensorFile.Info> st = TensorFile.list(IoTesting.fixture("half_types.safetensors"));
        assertEquals("h", st.get(0).name());
        assertEquals("F16", st.get(0).stored());
        assertEquals(DType.FLOAT32, st.get(0).dtype());
        assertArrayEquals(new int[] {3, 4}, st.get(0).shape());
        List<TensorFile.Info> npy = TensorFile.list(IoTesting.fixture("f8_be_3x2.npy"));
        assertEquals(">f8", npy.get(0).stored());
        List<TensorFile.Info> npz = TensorFile.list(IoTesting.fixture("pair_deflated.npz"));
        assertEquals(List.of("x", "idx"), npz.stream().map(TensorFile.Info::name).toList());
        assertEquals(DType.INT64, npz.get(1).dtype());
    }

    @Test
    void npyHoldsExactlyOneTensorAndUnknownExtensionsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TensorFile.write(tmp.resolve("two.npy"), sample()));
        assertTrue(e.getMessage().contains("two.npy") && e.getMessage().contains("exactly one"), e.getMessage());
        var u = assertThrows(IllegalArgumentException.class, () -> TensorFile.write(tmp.resolve("x.pt"), sample()));
        assertTrue(u.getMessage().contains("x.pt"), u.getMessage());
    }

    // ---------------------------------------------------------------- atomic writes

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFiles() throws Exception {
        Path p = tmp.resolve("keep.safetensors");
        TensorFile.write(p, sample());
        byte[] before = Files.readAllBytes(p);
        assertThrows(IOException.class, () -> AtomicWrite.write(p, ch -> {
            ch.write(java.nio.ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(p), "the old file is untouched");
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p, Map.of("__metadata__", Tensor.of(new float[] {1}, 1))));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(p), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void overwritingReplacesTheWholeFile() throws Exception {
        Path p = tmp.resolve("over.npz");
        TensorFile.write(p, sample());
        TensorFile.write(p, Map.of("only", Tensor.scalar(DType.FLOAT64, 1)));
        assertEquals(List.of("only"), new ArrayList<>(TensorFile.read(p).keySet()));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void writingIntoAMissingDirectoryIsAOneLineError() {
        Path p = tmp.resolve("no/such/dir/x.npy");
        var e = assertThrows(TensorFileException.class, () -> TensorFile.write(p, Map.of("x", Tensor.of(new double[] {1}, 1))));
        assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains("does not exist"), e.getMessage());
    }
}
