package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.vdiff.tensor.io.IoTesting.fixture;
import static dev.vdiff.tensor.io.IoTesting.formula;
import static dev.vdiff.tensor.io.IoTesting.intFormula;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpzTest {
    @TempDir
    Path tmp;

    /** np.savez (STORED) and np.savez_compressed (DEFLATED) of x = formula [2, 3] float64, idx = int formula [4]. */
    @ParameterizedTest
    @ValueSource(strings = {"pair_stored.npz", "pair_deflated.npz"})
    void readsNumpysArchives(String name) throws Exception {
        Map<String, Tensor> m = Npz.read(fixture(name));
        assertEquals(List.of("x", "idx"), new ArrayList<>(m.keySet()));
        Tensor x = m.get("x");
        assertArrayEquals(new int[] {2, 3}, x.shape());
        for (int i = 0; i < 6; i++) assertEquals(formula(i), x.doubles()[i], 0.0);
        assertEquals(DType.INT64, m.get("idx").dtype());
        for (int i = 0; i < 4; i++) assertEquals(intFormula(i), m.get("idx").longs()[i]);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsStoredAndDeflated(boolean compressed) throws Exception {
        LinkedHashMap<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", Tensor.of(new float[] {1.5f, -0f, Float.NaN, 3e-42f}, 2, 2));
        in.put("b", Tensor.of(new double[] {Math.PI}));
        in.put("empty", Tensor.zeros(DType.FLOAT64, 0, 4));
        in.put("i", Tensor.ofLongs(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}, 3));
        in.put("dir/name with spaces", Tensor.of(new float[] {7f}, 1, 1));
        Path p = tmp.resolve("rt.npz");
        Npz.write(p, in, compressed);
        LinkedHashMap<String, Tensor> out = Npz.read(p);
        assertEquals(new ArrayList<>(in.keySet()), new ArrayList<>(out.keySet()));
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), out.get(k).shape(), k);
            NpyTest.assertBitsEqual(in.get(k), out.get(k));
        }
        try (ZipFile z = new ZipFile(p.toFile())) {
            int method = compressed ? ZipEntry.DEFLATED : ZipEntry.STORED;
            z.stream().forEach(e -> assertEquals(method, e.getMethod(), e.getName()));
            assertTrue(z.getEntry("w.npy") != null, "entries are named <key>.npy");
        }
    }

    @Test
    void sameTensorsGiveTheSameBytes() throws Exception {
        Map<String, Tensor> in = Map.of("a", Tensor.of(new double[] {1, 2}, 2));
        Npz.write(tmp.resolve("a.npz"), in, true);
        Npz.write(tmp.resolve("b.npz"), in, true);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.npz")), Files.readAllBytes(tmp.resolve("b.npz")));
    }

    @Test
    void duplicateArrayNamesAreRefused() throws Exception {
        // "a" and "a.npy" both become the key "a".
        Path p = zip("dup.npz", Map.of("a", Npy.toBytes(Tensor.of(new double[] {1})), "a.npy", Npy.toBytes(Tensor.of(new double[] {2}))));
        var e = assertThrows(TensorFileException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().contains("dup.npz") && e.getMessage().contains("duplicate"), e.getMessage());
    }

    @Test
    void entriesThatAreNotNpyAreRefusedNamingTheEntry() throws Exception {
        Path p = zip("junk.npz", Map.of("readme.txt", "hello".getBytes()));
        var e = assertThrows(TensorFileException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().contains("junk.npz") && e.getMessage().contains("readme.txt") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void corruptStoredDataFailsTheCrc() throws Exception {
        Path p = tmp.resolve("crc.npz");
        Npz.write(p, Map.of("x", Tensor.of(new double[] {1, 2, 3, 4}, 4)), false);
        byte[] b = Files.readAllBytes(p);
        // The last data byte of the stored entry sits just before the central directory ("PK\1\2").
        int cen = indexOf(b, new byte[] {'P', 'K', 1, 2});
        b[cen - 1] ^= 0x40;
        Files.write(p, b);
        var e = assertThrows(TensorFileException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void notAZipIsAOneLineError() throws Exception {
        Path p = tmp.resolve("fake.npz");
        Files.write(p, "PK\3\4 but nothing else".getBytes());
        var e = assertThrows(TensorFileException.class, () -> TensorFile.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    static int indexOf(byte[] b, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (b[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }
}
