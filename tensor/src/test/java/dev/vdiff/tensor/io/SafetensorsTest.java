package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.vdiff.tensor.io.IoTesting.fixture;
import static dev.vdiff.tensor.io.IoTesting.intFormula;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path tmp;

    private static Map<?, ?> goldenFiles() throws Exception {
        for (Object c : (List<?>) IoTesting.manifest().get("cases")) {
            Map<?, ?> files = (Map<?, ?>) ((Map<?, ?>) c).get("files");
            if (files != null) return files;
        }
        throw new AssertionError("no case with safetensors files in the manifest");
    }

    /** The PyTorch-written weights and gradients: size, sha256, count and dtype as in the manifest. */
    @Test
    void goldenFilesMatchTheManifest() throws Exception {
        Map<?, ?> files = goldenFiles();
        assertEquals(3, files.size());
        for (Object v : files.values()) {
            Map<?, ?> f = (Map<?, ?>) v;
            Path p = IoTesting.golden().resolve((String) f.get("file"));
            assertEquals(f.get("sha256"), IoTesting.sha256(p), p.toString());
            assertEquals(f.get("size"), Files.size(p));
            LinkedHashMap<String, Tensor> m = Safetensors.read(p);
            assertEquals(((Long) f.get("tensors")).intValue(), m.size(), p.toString());
            DType want = f.get("dtype").equals("F64") ? DType.FLOAT64 : DType.FLOAT32;
            for (Tensor t : m.values()) assertEquals(want, t.dtype());
            assertEquals("tiny_video_unet", Safetensors.metadata(p).get("model"));
            // Written back with its metadata, in file order: the same bytes.
            Path back = tmp.resolve("back.safetensors");
            Safetensors.write(back, m, Safetensors.metadata(p));
            assertEquals(f.get("sha256"), IoTesting.sha256(back), p + " rewritten");
        }
    }

    /** docs/ORACLE.md: the F32 file holds the same (float32-exact) values as the F64 file. */
    @Test
    void goldenFloat32WeightsEqualTheFloat64Ones() throws Exception {
        Map<?, ?> files = goldenFiles();
        Path dir = IoTesting.golden();
        var f64 = Safetensors.read(dir.resolve((String) ((Map<?, ?>) files.get("weights_float64")).get("file")));
        var f32 = Safetensors.read(dir.resolve((String) ((Map<?, ?>) files.get("weights_float32")).get("file")));
        assertEquals(new ArrayList<>(f64.keySet()), new ArrayList<>(f32.keySet()));
        assertEquals(List.of(256, 64), List.of(f64.get("time_fc1.weight").shape(0), f64.get("time_fc1.weight").shape(1)));
        for (String k : f64.keySet()) {
            assertArrayEquals(f64.get(k).shape(), f32.get(k).shape(), k);
            double[] d = f64.get(k).doubles();
            float[] f = f32.get(k).floats();
            for (int i = 0; i < d.length; i++) assertEquals(d[i], f[i], 0.0, k + "[" + i + "]");
        }
    }

    /** Hand-made (make_fixtures.py): F16 and BF16 become float32 exactly, I32 and U8 become int64. */
    @Test
    void narrowTypesWiden() throws Exception {
        LinkedHashMap<String, Tensor> m = Safetensors.read(fixture("half_types.safetensors"));
        Tensor h = m.get("h");
        assertEquals(DType.FLOAT32, h.dtype());
        assertArrayEquals(new int[] {3, 4}, h.shape());
        for (int i = 0; i < NpyTest.F16.length; i++) assertEquals(Float.floatToIntBits(NpyTest.F16[i]), Float.floatToIntBits(h.floats()[i]), "h " + i);
        float[] bf16 = {0f, -0f, 1.5f, -2.75f, 3.140625f, 65536f, 0x1p-130f, 1.0e38f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        // 1e38 is not exact in bfloat16: the fixture stored its float32 bits with the low half dropped.
        bf16[7] = Float.intBitsToFloat(Float.floatToIntBits(1.0e38f) & 0xffff0000);
        for (int i = 0; i < bf16.length; i++) assertEquals(Float.floatToIntBits(bf16[i]), Float.floatToIntBits(m.get("b").floats()[i]), "b " + i);
        long[] ints = new long[6];
        for (int i = 0; i < 6; i++) ints[i] = intFormula(i);
        assertArrayEquals(ints, m.get("i").longs());
        assertArrayEquals(new long[] {0, 50, 100, 150, 200, 250}, m.get("u").longs());
    }

    @Test
    void roundTripsKeepNamesOrderValuesAndMetadata() throws Exception {
        LinkedHashMap<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.last", Tensor.of(new float[] {Float.MIN_VALUE, -1f, Float.NaN}, 3));
        in.put("a.first", Tensor.of(new double[] {1e-300, -0.0, 6}, 1, 3));
        in.put("scalar", Tensor.scalar(DType.FLOAT64, -2.25));
        in.put("empty", Tensor.zeros(DType.FLOAT32, 2, 0));
        in.put("ids", Tensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, 5}, 2, 2));
        in.put("ünïcode \"quoted\"", Tensor.ofLongs(new long[] {1}, 1));
        Path p = tmp.resolve("rt.safetensors");
        Safetensors.write(p, in, Map.of("format", "pt"));
        LinkedHashMap<String, Tensor> out = Safetensors.read(p);
        assertEquals(new ArrayList<>(in.keySet()), new ArrayList<>(out.keySet()));
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), out.get(k).shape(), k);
            NpyTest.assertBitsEqual(in.get(k), out.get(k));
        }
        assertEquals(Map.of("format", "pt"), Safetensors.metadata(p));
        long n = java.nio.ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "header padded to 8 bytes");
    }

    @Test
    void metadataBytesDoNotDependOnTheMapsIterationOrder() throws Exception {
        // A caller's Map.of iterates in an order that changes from one JVM to the next: the same content must give the same file.
        Map<String, Tensor> t = Map.of("x", Tensor.of(new float[] {1, 2}, 2));
        java.util.HashMap<String, String> ab = new java.util.HashMap<>(4), ba = new java.util.HashMap<>(64);   // two capacities: two iteration orders
        for (int i = 0; i < 12; i++) ab.put("key" + i, "v" + i);
        for (int i = 11; i >= 0; i--) ba.put("key" + i, "v" + i);
        assertArrayEquals(Safetensors.toBytes(t, ab), Safetensors.toBytes(t, ba));
        assertArrayEquals(Safetensors.toBytes(t, new java.util.TreeMap<>(ab)), Safetensors.toBytes(t, ab), "unordered maps are written sorted");
    }

    @Test
    void metadataIsOptional() throws Exception {
        Path p = tmp.resolve("nometa.safetensors");
        Safetensors.write(p, Map.of("x", Tensor.of(new float[] {1}, 1)));
        assertEquals(Map.of(), Safetensors.metadata(p));
        String header = new String(Files.readAllBytes(p), 8, 56, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), header);
    }

    @Test
    void metadataNameCannotNameATensor() {
        var e = assertThrows(IllegalArgumentException.class,
            () -> Safetensors.write(tmp.resolve("m.safetensors"), Map.of("__metadata__", Tensor.of(new float[] {1}, 1))));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }
}
