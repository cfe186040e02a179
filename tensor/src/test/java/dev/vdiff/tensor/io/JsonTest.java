package dev.vdiff.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Map<String, Object> m = Json.parseObject(" {\"b\": [1, -2, 3.5, 1e3, -0.25E-2], \"a\": {\"t\": true, \"f\": false, \"n\": null}, \"s\": \"x\"} ");
        assertEquals(List.of("b", "a", "s"), new ArrayList<>(m.keySet()), "member order is kept");
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, -0.0025), m.get("b"));
        Map<?, ?> a = (Map<?, ?>) m.get("a");
        assertEquals(Boolean.TRUE, a.get("t"));
        assertEquals(Boolean.FALSE, a.get("f"));
        assertTrue(a.containsKey("n"));
        assertNull(a.get("n"));
        assertEquals("x", m.get("s"));
        assertEquals(List.of(), Json.parse("[]"));
        assertEquals(Map.of(), Json.parse("{}"));
    }

    @Test
    void integersThatFitALongAreLongsOthersDoubles() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
        assertEquals(1e30, Json.parse("1000000000000000000000000000000"));
        assertInstanceOf(Double.class, Json.parse("2.0"));
        assertEquals(0L, Json.parse("-0"));
    }

    @Test
    void decodesEscapesAndUtf8() {
        assertEquals("q\"b\\s/\b\f\n\r\t", Json.parse("\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€\uD83D\uDE00", Json.parse("\"\\u00e9\\u20AC\\ud83d\\ude00\""), "\\u escapes incl. a surrogate pair");
        assertEquals("é€😀", Json.parse("\"é€😀\""), "raw UTF-8 of 2, 3 and 4 bytes");
    }

    /** Each input is broken at a known byte; the error must name that offset. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 1,}           | 8",
        "[1, 2,]               | 6",
        "{'a': 1}              | 1",
        "[01]                  | 2",
        "[1.]                  | 3",
        "[1e]                  | 3",
        "[-]                   | 2",
        "[NaN]                 | 1",
        "[tru]                 | 1",
        "{\"a\" 1}             | 5",
        "[1 2]                 | 3",
        "\"abc                 | 0",
        "\"\\x\"               | 2",
        "\"\\u12G4\"           | 5",
        "[1] x                 | 4",
        "{\"a\": 1, \"a\": 2}  | 9",
        "[1e999]               | 1",
        "                      | 0",
    })
    void errorsNameTheByteOffset(String input, int offset) {
        String text = input == null ? "" : input.strip();
        var e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().endsWith("at byte offset " + offset), e.getMessage());
    }

    @Test
    void refusesControlCharactersAndInvalidUtf8() {
        assertEquals(1, assertThrows(Json.JsonException.class, () -> Json.parse("\"\n\"")).offset());
        byte[][] bad = {
            {'"', (byte) 0xc3, '"'},                      // truncated 2-byte sequence
            {'"', (byte) 0xc0, (byte) 0x80, '"'},         // overlong NUL
            {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},   // encoded surrogate
            {'"', (byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'},   // past U+10FFFF
            {'"', (byte) 0xff, '"'},
        };
        for (byte[] b : bad) {
            var e = assertThrows(Json.JsonException.class, () -> Json.parse(b), Arrays.toString(b));
            assertEquals(1, e.offset(), e.getMessage());
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        var e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        assertEquals(Json.MAX_DEPTH, e.offset(), e.getMessage());
        String objects = "{\"a\":".repeat(100_000);
        assertThrows(Json.JsonException.class, () -> Json.parse(objects));
    }

    @Test
    void prettyOutputIsTheDocumentedLayout() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a\"b\n");
        m.put("shape", new int[] {2, 3});
        m.put("eps", 1e-5);
        m.put("empty", List.of());
        m.put("nested", List.of(Map.of("k", true)));
        m.put("none", null);
        String expected = "{\n"
            + "  \"name\": \"a\\\"b\\n\",\n"
            + "  \"shape\": [2, 3],\n"
            + "  \"eps\": 1.0E-5,\n"
            + "  \"empty\": [],\n"
            + "  \"nested\": [\n"
            + "    {\n"
            + "      \"k\": true\n"
            + "    }\n"
            + "  ],\n"
            + "  \"none\": null\n"
            + "}\n";
        assertEquals(expected, Json.write(m));
        assertEquals("{\"name\":\"a\\\"b\\n\",\"shape\":[2,3],\"eps\":1.0E-5,\"empty\":[],\"nested\":[{\"k\":true}],\"none\":null}", Json.writeCompact(m));
    }

    @Test
    void writerEscapesControlCharactersAndLoneSurrogatesOnly() {
        assertEquals("\"\\u0001\\ud800x\uD83D\uDE00\\udc00\"", Json.writeCompact("\u0001\uD800x\uD83D\uDE00\uDC00"));
        String s = "\u0001\uD800x\uD83D\uDE00\uDC00";
        assertEquals(s, Json.parse(Json.writeCompact(s)));
        assertEquals("[12345678901234567890, 1.5E+3]", Json.write(List.of(new java.math.BigInteger("12345678901234567890"), new java.math.BigDecimal("1.5E+3"))).strip());
    }

    @Test
    void refusesNonFiniteNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Double.POSITIVE_INFINITY)));
    }

    /** write then parse gives the value back, for seeded random documents (doubles exactly). */
    @Test
    void randomDocumentsRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 300; i++) {
            Object v = randomValue(rnd, 0);
            assertEquals(v, Json.parse(Json.write(v)));
            assertEquals(v, Json.parse(Json.writeCompact(v)));
        }
    }

    private static Object randomValue(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 4 ? 5 : 7);
        switch (kind) {
            case 0: return null;
            case 1: return rnd.nextBoolean();
            case 2: return rnd.nextLong() >> rnd.nextInt(64);
            case 3: { double d = Double.longBitsToDouble(rnd.nextLong()); return Double.isFinite(d) ? d : 0.5; }
            case 4: {
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(8);
                for (int k = 0; k < n; k++) sb.appendCodePoint(pickCodePoint(rnd));
                return sb.toString();
            }
            case 5: {
                List<Object> l = new ArrayList<>();
                for (int k = rnd.nextInt(4); k > 0; k--) l.add(randomValue(rnd, depth + 1));
                return l;
            }
            default: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int k = rnd.nextInt(4); k > 0; k--) m.put("k" + rnd.nextInt(100), randomValue(rnd, depth + 1));
                return m;
            }
        }
    }

    private static int pickCodePoint(Random rnd) {
        int[] ranges = {0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff, 0x10000, 0x10ffff};
        int r = rnd.nextInt(5) * 2;
        return ranges[r] + rnd.nextInt(ranges[r + 1] - ranges[r] + 1);
    }

    @Test
    void readsTheGoldenManifest() throws Exception {
        Map<String, Object> m = IoTesting.manifest();
        assertEquals("oracle-case-suite", m.get("format"));
        assertEquals(1L, m.get("format_version"));
        List<?> cases = (List<?>) m.get("cases");
        assertTrue(cases.size() > 100, "cases: " + cases.size());
        Map<?, ?> first = (Map<?, ?>) cases.get(0);
        assertEquals("add_00", first.get("id"));
        // The manifest re-serialised and parsed again is the same value.
        assertEquals(m, Json.parse(Json.write(m).getBytes(StandardCharsets.UTF_8)));
    }
}
