package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.vdiff.tensor.io.IoTesting.fixture;
import static dev.vdiff.tensor.io.IoTesting.formula;
import static dev.vdiff.tensor.io.IoTesting.intFormula;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** .npy files written by NumPy (fixtures and the golden suite) and round trips through our writer. */
class NpyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"f8_2x3x4.npy", "f8_be_3x2.npy", "f8_v2_2x3.npy", "f8_v3_2x3.npy"})
    void float64FilesHoldTheFormula(String name) throws Exception {
        Tensor t = Npy.read(fixture(name));
        assertEquals(DType.FLOAT64, t.dtype());
        double[] d = t.doubles();
        for (int i = 0; i < d.length; i++) assertEquals(formula(i), d[i], 0.0, name + " element " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f4_be_4.npy"})
    void float32FilesHoldTheFormula(String name) throws Exception {
        Tensor t = Npy.read(fixture(name));
        assertEquals(DType.FLOAT32, t.dtype());
        float[] f = t.floats();
        for (int i = 0; i < f.length; i++) assertEquals((float) formula(i), f[i], 0.0f, name + " element " + i);
    }

    @ParameterizedTest
    @CsvSource({"i8_5.npy, 5", "i8_be_3.npy, 3", "i4_6.npy, 6", "i2_6.npy, 6", "i1_6.npy, 6"})
    void signedIntegersWidenToInt64(String name, int n) throws Exception {
        Tensor t = Npy.read(fixture(name));
        assertEquals(DType.INT64, t.dtype());
        long[] expected = new long[n];
        for (int i = 0; i < n; i++) expected[i] = intFormula(i);
        assertArrayEquals(expected, t.longs(), name);
    }

    @Test
    void unsignedAndBoolWidenToInt64() throws Exception {
        assertArrayEquals(new long[] {0, 50, 100, 150, 200, 250}, Npy.read(fixture("u1_6.npy")).longs());
        assertArrayEquals(new long[] {0, 13000, 26000, 39000, 52000, 65000}, Npy.read(fixture("u2_6.npy")).longs());
        assertArrayEquals(new long[] {0, 800000000L, 1600000000L, 2400000000L, 3200000000L, 4000000000L}, Npy.read(fixture("u4_6.npy")).longs());
        assertArrayEquals(new long[] {1, 0, 0, 1, 0, 0}, Npy.read(fixture("b1_6.npy")).longs());
    }

    /** The same list as make_fixtures.py's F16, all exact in float16. */
    static final float[] F16 = {0f, -0f, 1f, -2.5f, 0.099975586f, 65504f, -65504f, 0x1p-24f, 0x1p-14f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    @Test
    void float16WidensExactlyToFloat32() throws Exception {
        Tensor t = Npy.read(fixture("f2_12.npy"));
        assertEquals(DType.FLOAT32, t.dtype());
        float[] f = t.floats();
        for (int i = 0; i < F16.length; i++) {
            assertEquals(Float.floatToIntBits(F16[i]), Float.floatToIntBits(f[i]), "element " + i + ": " + f[i] + " vs " + F16[i]);
        }
    }

    @Test
    void halfToFloatAgreesWithTheDefinitionForAllBitPatterns() {
        for (int h = 0; h < 0x10000; h++) {
            int exp = (h >> 10) & 0x1f;
            int mant = h & 0x3ff;
            double sign = (h & 0x8000) != 0 ? -1 : 1;
            float got = Element.halfToFloat((short) h);
            if (exp == 0x1f) {
                assertTrue(mant == 0 ? Float.isInfinite(got) && Math.signum(got) == sign : Float.isNaN(got), "bits " + h);
            } else {
                // value = sign * 2^(exp-15) * (1 + mant/1024), or sign * 2^-14 * mant/1024 when exp = 0
                double v = exp == 0 ? sign * Math.scalb(mant / 1024.0, -14) : sign * Math.scalb(1 + mant / 1024.0, exp - 15);
                assertEquals(Float.floatToIntBits((float) v), Float.floatToIntBits(got), "bits " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void fortranOrderIsTransposedToRowMajor() throws Exception {
        Tensor t = Npy.read(fixture("f8_fortran_2x3x4.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertTrue(t.isDense());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) assertEquals(formula(i * 12 + j * 4 + k), t.get(i, j, k), 0.0);
            }
        }
    }

    @Test
    void zeroDimensionalAndEmptyArrays() throws Exception {
        Tensor s = Npy.read(fixture("f8_scalar.npy"));
        assertEquals(0, s.rank());
        assertEquals(3.5, s.item(), 0.0);
        Tensor e = Npy.read(fixture("f4_empty_0x3.npy"));
        assertArrayEquals(new int[] {0, 3}, e.shape());
        assertEquals(0, e.numel());
    }

    @ParameterizedTest
    @CsvSource({"c8_2.npy, '<c8'", "u8_2.npy, '<u8'", "struct_2.npy, structured", "str_2.npy, '<U2'"})
    void unsupportedDtypesGiveOneLineErrors(String name, String mention) {
        var e = assertThrows(TensorFileException.class, () -> Npy.read(fixture(name)));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(mention), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /** NumPy's own files, read and written back, are the same bytes: our header layout is numpy.save's. */
    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f8_2x3x4.npy", "i8_5.npy", "f8_scalar.npy", "f4_empty_0x3.npy"})
    void rewritingNumpysFilesReproducesTheirBytes(String name) throws Exception {
        Path out = tmp.resolve(name);
        Npy.write(out, Npy.read(fixture(name)));
        assertArrayEquals(Files.readAllBytes(fixture(name)), Files.readAllBytes(out), name);
    }

    /** Every .npy of the golden suite: dtype and shape as the manifest says, and a byte-identical rewrite. */
    @Test
    void goldenSuiteFilesMatchTheManifest() throws Exception {
        Path dir = IoTesting.golden();
        int files = 0;
        for (Object c : (List<?>) IoTesting.manifest().get("cases")) {
            for (String group : new String[] {"inputs", "outputs", "upstream", "grads"}) {
                Object g = ((Map<?, ?>) c).get(group);
                if (g == null) continue;
                for (Object entry : ((Map<?, ?>) g).values()) {
                    Map<?, ?> e = (Map<?, ?>) entry;
                    Path file = dir.resolve((String) e.get("file"));
                    assertEquals(e.get("sha256"), IoTesting.sha256(file), file + " sha256");
                    Tensor t = Npy.read(file);
                    assertEquals(e.get("dtype"), t.dtype().pyName, file.toString());
                    long[] shape = ((List<?>) e.get("shape")).stream().mapToLong(x -> (Long) x).toArray();
                    assertArrayEquals(shape, java.util.Arrays.stream(t.shape()).asLongStream().toArray(), file.toString());
                    assertEquals(e.get("sha256"), IoTesting.sha256(Npy.toBytes(t)), file + " rewritten");
                    files++;
                }
            }
        }
        assertTrue(files > 500, "golden .npy files checked: " + files);
    }

    @Test
    void roundTripsAreBitExactForEveryDtypeAndShape() throws Exception {
        int[][] shapes = {{}, {0}, {1}, {5}, {2, 3}, {3, 0, 2}, {2, 1, 3, 1, 2}};
        java.util.Random rnd = new java.util.Random(3);
        for (int[] shape : shapes) {
            int n = dev.vdiff.tensor.Shape.numel(shape);
            float[] f = new float[n];
            double[] d = new double[n];
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                f[i] = Float.intBitsToFloat(rnd.nextInt());   // any bits, NaN payloads included
                d[i] = Double.longBitsToDouble(rnd.nextLong());
                l[i] = rnd.nextLong();
            }
            for (Tensor t : new Tensor[] {Tensor.of(f, shape), Tensor.of(d, shape), Tensor.ofLongs(l, shape)}) {
                Path p = tmp.resolve("rt.npy");
                Npy.write(p, t);
                Tensor back = Npy.read(p);
                assertEquals(t.dtype(), back.dtype());
                assertArrayEquals(t.shape(), back.shape());
                assertBitsEqual(t, back);
            }
        }
    }

    @Test
    void stridedViewsAreWrittenInLogicalOrder() throws Exception {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);   // [[1,4],[2,5],[3,6]]
        Path p = tmp.resolve("view.npy");
        Npy.write(p, t);
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, Npy.read(p).doubles(), 0.0);
    }

    @Test
    void headersTooLongForVersion1UseVersion2() throws Exception {
        int[] shape = new int[30_000];   // "1, " per dimension: a header past 65535 bytes
        java.util.Arrays.fill(shape, 1);
        Tensor t = Tensor.of(new double[] {2.5}, shape);
        Path p = tmp.resolve("v2.npy");
        Npy.write(p, t);
        byte[] b = Files.readAllBytes(p);
        assertEquals(2, b[6], "major version");
        assertEquals(0, (b.length - 8) % 64, "data aligned to 64");
        Tensor back = Npy.read(p);
        assertEquals(30_000, back.rank());
        assertEquals(2.5, back.item(), 0.0);
    }

    static void assertBitsEqual(Tensor a, Tensor b) {
        switch (a.dtype()) {
            case FLOAT32: {
                float[] x = a.floats(), y = b.floats();
                assertEquals(x.length, y.length);
                for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i);
                break;
            }
            case FLOAT64: {
                double[] x = a.doubles(), y = b.doubles();
                assertEquals(x.length, y.length);
                for (int i = 0; i < x.length; i++) assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), "element " + i);
                break;
            }
            default:
                assertArrayEquals(a.longs(), b.longs());
        }
    }
}
