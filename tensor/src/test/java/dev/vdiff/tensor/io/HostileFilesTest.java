package dev.vdiff.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.vdiff.tensor.io.HostileFiles.assertRefused;
import static dev.vdiff.tensor.io.HostileFiles.npy;
import static dev.vdiff.tensor.io.HostileFiles.safetensors;

/** One targeted broken file per failure the readers must catch; each must fail fast, cheaply, in one line. */
class HostileFilesTest {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    // ---------------------------------------------------------------- safetensors

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "offsets past the end    ; {X}                                                ; [3]      ; [0,12]  ; 8  ; past the end of the data section",
        "byte count mismatch     ; {X}                                                ; [3]      ; [0,8]   ; 8  ; needs 12",
        "negative dimension      ; {X}                                                ; [-2]     ; [0,8]   ; 8  ; negative dimension",
        "huge dimension          ; {X}                                                ; [4294967296] ; [0,8] ; 8 ; more than 2^31-1",
        "product overflow        ; {X}                                                ; [2147483647,2147483647,4] ; [0,8] ; 8 ; more than 2^31-1 elements",
        "fractional dimension    ; {X}                                                ; [2.5]    ; [0,8]   ; 8  ; not an integer",
        "float exponent dimension; {X}                                                ; [1e20]   ; [0,8]   ; 8  ; not an integer",
        "gap before a tensor     ; {X}                                                ; [2]      ; [4,12]  ; 12 ; gap of 4 bytes",
        "uncovered tail          ; {X}                                                ; [2]      ; [0,8]   ; 16 ; 8 bytes at the end",
        "reversed offsets        ; {X}                                                ; [2]      ; [8,0]   ; 8  ; do not form a range",
        "negative offset         ; {X}                                                ; [2]      ; [-8,0]  ; 8  ; do not form a range",
        "one offset              ; {X}                                                ; [2]      ; [8]     ; 8  ; not [begin, end]",
        "string shape            ; {X}                                                ; \"2\"    ; [0,8]   ; 8  ; no 'shape' array",
    })
    void safetensorsEntryProblems(String what, String template, String shape, String offsets, int dataBytes, String fragment) throws Exception {
        String header = template.replace("X", entry("w", "F32", shape, offsets));
        assertRefused(file("e.safetensors", safetensors(header, dataBytes)), fragment);
    }

    @Test
    void overlappingTensors() throws Exception {
        String h = "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}";
        assertRefused(file("o.safetensors", safetensors(h, 12)), "overlaps tensor 'a'");
    }

    @Test
    void duplicateTensorNames() throws Exception {
        String h = "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("a", "F32", "[1]", "[4,8]") + "}";
        assertRefused(file("d.safetensors", safetensors(h, 8)), "duplicate member name \"a\"");
    }

    @Test
    void unknownDtype() throws Exception {
        assertRefused(file("u.safetensors", safetensors("{" + entry("a", "F8_E4M3", "[1]", "[0,1]") + "}", 1)), "unsupported dtype 'F8_E4M3'");
        assertRefused(file("u2.safetensors", safetensors("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,1]}}", 1)), "no string 'dtype'");
    }

    @Test
    void headerLengthsThatLie() throws Exception {
        String h = "{" + entry("a", "F32", "[1]", "[0,4]") + "}";
        int len = h.length();
        assertRefused(file("big.safetensors", safetensors(1L << 62, h, new byte[4])), "header length 4611686018427387904 runs past the end");
        assertRefused(file("neg.safetensors", safetensors(-1L, h, new byte[4])), "header length 18446744073709551615 runs past the end");
        assertRefused(file("eof.safetensors", safetensors(len + 5, h, new byte[4])), "runs past the end of the file");
        assertRefused(file("zero.safetensors", safetensors(0, h, new byte[4])), "too short for a JSON object");
        assertRefused(file("short.safetensors", safetensors(len - 3, h, new byte[4])), "not valid JSON");
        assertRefused(file("tiny.safetensors", new byte[5]), "too short for a safetensors file (5 bytes)");
    }

    /** A 200 MB sparse file whose header length (150 MB) fits but passes the limit: refused before reading it. */
    @Test
    void headerPastTheLimitIsNotRead() throws Exception {
        Path p = tmp.resolve("sparse.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(150_000_000L).put((byte) '{').array());
            f.setLength(200_000_000L);
        }
        assertRefused(p, "exceeds the limit of 100000000 bytes");
    }

    @Test
    void headerThatIsNotJson() throws Exception {
        assertRefused(file("g.safetensors", safetensors("{garbage}", 0)), "header is not valid JSON");
        assertRefused(file("a.safetensors", safetensors("[1, 2, 3]", 0)), "does not start with '{'");
        assertRefused(file("n.safetensors", safetensors("{\"a\": 1} x", 0)), "at byte offset 9 of the header");
        assertRefused(file("deep.safetensors", safetensors("{\"a\":" + "[".repeat(100_000), 0)), "nesting deeper than 512");
        assertRefused(file("num.safetensors", safetensors("{\"a\":1}", 0)), "described by a JSON number");
        assertRefused(file("key.safetensors", safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4)), "unexpected key 'x'");
    }

    @Test
    void headerThatIsNotUtf8() throws Exception {
        byte[] b = safetensors("{\"a\u00ff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        // Replace the UTF-8 encoding of U+00FF (c3 bf) by a lone continuation byte and a space.
        int at = NpzTest.indexOf(b, new byte[] {(byte) 0xc3, (byte) 0xbf});
        b[at] = (byte) 0xbf;
        b[at + 1] = ' ';
        assertRefused(file("utf.safetensors", b), "invalid UTF-8 byte 0xbf");
    }

    @Test
    void metadataThatIsNotAStringMap() throws Exception {
        assertRefused(file("m.safetensors", safetensors("{\"__metadata__\":{\"k\":1}}", 0)), "not a string");
        assertRefused(file("m2.safetensors", safetensors("{\"__metadata__\":[]}", 0)), "not an object of strings");
    }

    @Test
    void truncatedData() throws Exception {
        byte[] ok = safetensors("{" + entry("a", "F64", "[4]", "[0,32]") + "}", 32);
        assertRefused(file("t.safetensors", Arrays.copyOf(ok, ok.length - 1)), "file truncated?");
    }

    // ---------------------------------------------------------------- npy

    private static final String GOOD = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";

    @Test
    void npyMagicAndVersion() throws Exception {
        byte[] b = npy(GOOD, 16);
        b[1] = 'X';
        assertRefused(file("m.npy", b), "bad magic");
        assertRefused(file("empty.npy", new byte[0]), "bad magic");
        byte[] v = npy(GOOD, 16);
        v[6] = 4;
        assertRefused(file("v.npy", v), "unsupported .npy format version 4.0");
        assertRefused(file("pre.npy", Arrays.copyOf(npy(GOOD, 16), 9)), "truncated .npy preamble");
    }

    @Test
    void npyHeaderLengthsThatLie() throws Exception {
        byte[] h = GOOD.getBytes();
        assertRefused(file("l1.npy", npy(1, 0xffff, h, 16)), "header length 65535 runs past the end");
        assertRefused(file("l2.npy", npy(2, 0xffffffffL, h, 16)), "header length 4294967295 runs past the end");
        assertRefused(file("l3.npy", npy(1, h.length - 4, h, 16)), "not a valid dict literal");
        Path p = tmp.resolve("sparse.npy");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(npy(2, 50_000_000L, h, 0));
            f.setLength(60_000_000L);
        }
        assertRefused(p, "exceeds the limit of 1048576 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "garbage              ; {'descr' '<f8'}                                                     ; 0  ; expected ':'",
        "not a dict           ; ('<f8', False, (2,))                                                ; 0  ; expected '{'",
        "missing shape        ; {'descr': '<f8', 'fortran_order': False, }                          ; 0  ; lacks the key 'shape'",
        "extra key            ; {'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1, }     ; 8  ; unexpected key 'x'",
        "duplicate key        ; {'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (), } ; 8 ; duplicate key 'descr'",
        "unknown dtype        ; {'descr': '<q9', 'fortran_order': False, 'shape': (), }             ; 8  ; unsupported dtype '<q9'",
        "native order         ; {'descr': '=f8', 'fortran_order': False, 'shape': (), }             ; 8  ; unsupported dtype '=f8'",
        "no byte order        ; {'descr': '|f8', 'fortran_order': False, 'shape': (), }             ; 8  ; has no byte order",
        "fortran not bool     ; {'descr': '<f8', 'fortran_order': 0, 'shape': (), }                 ; 8  ; not True or False",
        "shape not tuple      ; {'descr': '<f8', 'fortran_order': False, 'shape': 2, }              ; 16 ; not a tuple of integers",
        "negative dimension   ; {'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }          ; 8  ; negative dimension",
        "product overflow     ; {'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), } ; 8 ; more than 2^31-1 elements",
        "huge dimension       ; {'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), } ; 8 ; too large",
        "truncated data       ; {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }           ; 16 ; data truncated",
        "trailing data        ; {'descr': '<f8', 'fortran_order': False, 'shape': (1,), }           ; 16 ; 8 unexpected bytes after the data",
        "claims a huge array  ; {'descr': '<f8', 'fortran_order': False, 'shape': (100000, 10000), } ; 16 ; needs 8000000000 bytes",
    })
    void npyHeaderProblems(String what, String header, int dataBytes, String fragment) throws Exception {
        assertRefused(file("h.npy", npy(header, dataBytes)), fragment);
    }

    @Test
    void npyVersion3HeaderThatIsNotUtf8() throws Exception {
        byte[] h = GOOD.getBytes();
        h[3] = (byte) 0xff;
        assertRefused(file("u.npy", npy(3, h.length, h, 16)), "not valid UTF-8");
    }

    // ---------------------------------------------------------------- npz and dispatch

    @Test
    void npzWithABrokenArrayNamesTheEntry() throws Exception {
        Path p = tmp.resolve("bad.npz");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new java.util.zip.ZipEntry("w.npy"));
            z.write(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }", 8));
            z.closeEntry();
        }
        assertRefused(p, "entry 'w.npy': data truncated");
    }

    @Test
    void truncatedNpz() throws Exception {
        Path good = tmp.resolve("good.npz");
        Npz.write(good, java.util.Map.of("x", dev.vdiff.tensor.Tensor.of(new double[] {1, 2}, 2)), false);
        byte[] b = Files.readAllBytes(good);
        assertRefused(file("cut.npz", Arrays.copyOf(b, b.length - 10)), "not a valid .npz (zip) file");
    }

    @Test
    void missingFilesDirectoriesAndUnknownFormats() throws Exception {
        assertRefused(tmp.resolve("nope.safetensors"), "no such file");
        Path dir = Files.createDirectory(tmp.resolve("d.npy"));
        assertRefused(dir, "is a directory");
        assertRefused(file("x.bin", "hello world".getBytes()), "not a .npy, .npz or .safetensors file");
    }
}
