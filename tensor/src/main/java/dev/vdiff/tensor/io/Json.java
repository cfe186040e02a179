package dev.vdiff.tensor.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) parser and a deterministic writer, for safetensors headers, the oracle
 * manifest and benchmark reports.
 *
 * <p>Parsing maps objects to {@link LinkedHashMap} (member order kept), arrays to {@link List}, numbers to
 * {@link Long} (integers without fraction or exponent that fit) or {@link Double}, strings to {@link String},
 * and {@code true/false/null} to {@link Boolean} and {@code null}.
 *
 * <pre>{@code
 * Map<String, Object> m = Json.parseObject("{\"shape\": [2, 3], \"eps\": 1e-5}");
 * m.get("shape");   // List.of(2L, 3L)
 * m.get("eps");     // 1.0E-5 (Double)
 * Json.write(m);    // "{\n  \"shape\": [2, 3],\n  \"eps\": 1.0E-5\n}\n"
 * }</pre>
 *
 * <p>Strict means: no comments, trailing commas, single quotes, NaN, leading zeros, unescaped control
 * characters, invalid UTF-8 or duplicate member names. Nesting deeper than {@link #MAX_DEPTH} is refused so
 * that hostile input cannot exhaust the stack. Every error is a {@link JsonException} naming the byte offset.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;

    private final byte[] in;
    private int pos;
    private int depth;

    private Json(byte[] in) {
        this.in = in;
    }

    /** A syntax error; the message names the byte offset of the problem. */
    public static final class JsonException extends IllegalArgumentException {
        private final int offset;

        JsonException(String message, int offset) {
            super(message + " at byte offset " + offset);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    // ---------------------------------------------------------------- parsing

    /** Parses one JSON value (UTF-8 bytes), optionally surrounded by whitespace. */
    public static Object parse(byte[] utf8) {
        Json p = new Json(utf8);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != utf8.length) throw p.error("unexpected " + p.describe() + " after the JSON value");
        return v;
    }

    public static Object parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a JSON text whose value must be an object. */
    @SuppressWarnings("unchecked")
    public static LinkedHashMap<String, Object> parseObject(byte[] utf8) {
        Object v = parse(utf8);
        if (!(v instanceof LinkedHashMap)) throw new JsonException("expected a JSON object, found " + typeName(v), 0);
        return (LinkedHashMap<String, Object>) v;
    }

    public static LinkedHashMap<String, Object> parseObject(String text) {
        return parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    /** "object", "array", "string", "number", "boolean" or "null", for error messages. */
    public static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "object";
        if (v instanceof List) return "array";
        if (v instanceof String) return "string";
        if (v instanceof Number) return "number";
        if (v instanceof Boolean) return "boolean";
        return v.getClass().getSimpleName();
    }

    private Object value() {
        if (pos >= in.length) throw error("unexpected end of input, expected a value");
        byte c = in[pos];
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected " + describe() + ", expected a value");
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++;   // '{'
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("unexpected " + describe() + ", expected a member name in double quotes");
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value();
            if (m.containsKey(key)) throw new JsonException("duplicate member name \"" + key + "\"", keyAt);
            m.put(key, v);
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == '}') {
                pos++;
                depth--;
                return m;
            } else {
                throw error("unexpected " + describe() + " in object, expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;   // '['
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == ']') {
                pos++;
                depth--;
                return list;
            } else {
                throw error("unexpected " + describe() + " in array, expected ',' or ']'");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }

    private Object literal(String word, Object v) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= in.length || in[pos + i] != word.charAt(i)) throw error("invalid literal, expected '" + word + "'");
        }
        pos += word.length();
        return v;
    }

    /** number = [-] int [frac] [exp], int = 0 | [1-9][0-9]*; validated here so parsing cannot fail later. */
    private Object number() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zero in number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after the decimal point");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        if (integral && text.length() <= 20) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through to a double, like JavaScript would read it
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) throw new JsonException("number " + text + " is out of the double range", start);
        return d;
    }

    private String string() {
        int start = pos;
        pos++;   // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= in.length) throw new JsonException("unterminated string", start);
            int b = in[pos] & 0xff;
            if (b == '"') {
                pos++;
                return sb.toString();
            } else if (b == '\\') {
                escape(sb);
            } else if (b < 0x20) {
                throw error("unescaped control character 0x" + Integer.toHexString(b) + " in string");
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                utf8(sb);
            }
        }
    }

    private void escape(StringBuilder sb) {
        pos++;   // backslash
        if (pos >= in.length) throw error("unterminated escape");
        byte c = in[pos++];
        switch (c) {
            case '"': sb.append('"'); break;
            case '\\': sb.append('\\'); break;
            case '/': sb.append('/'); break;
            case 'b': sb.append('\b'); break;
            case 'f': sb.append('\f'); break;
            case 'n': sb.append('\n'); break;
            case 'r': sb.append('\r'); break;
            case 't': sb.append('\t'); break;
            case 'u': {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = pos < in.length ? Character.digit(in[pos], 16) : -1;
                    if (d < 0) throw error("expected 4 hex digits after \\u");
                    v = v * 16 + d;
                    pos++;
                }
                sb.append((char) v);   // surrogate pairs arrive as two escapes and join in the String
                break;
            }
            default:
                pos--;
                throw error("invalid escape '\\" + (char) (c & 0x7f) + "'");
        }
    }

    /** Decodes one multi-byte UTF-8 sequence, refusing overlong forms, surrogates and values past U+10FFFF. */
    private void utf8(StringBuilder sb) {
        int b0 = in[pos] & 0xff;
        int n;
        int cp;
        int min;
        if (b0 >= 0xc2 && b0 <= 0xdf) { n = 1; cp = b0 & 0x1f; min = 0x80; }
        else if (b0 >= 0xe0 && b0 <= 0xef) { n = 2; cp = b0 & 0x0f; min = 0x800; }
        else if (b0 >= 0xf0 && b0 <= 0xf4) { n = 3; cp = b0 & 0x07; min = 0x10000; }
        else throw error("invalid UTF-8 byte 0x" + Integer.toHexString(b0));
        for (int i = 1; i <= n; i++) {
            int b = pos + i < in.length ? in[pos + i] & 0xff : -1;
            if ((b & 0xc0) != 0x80) throw error("truncated UTF-8 sequence");
            cp = (cp << 6) | (b & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw error("invalid UTF-8 sequence");
        sb.appendCodePoint(cp);
        pos += n + 1;
    }

    private void expect(char c) {
        if (peek() != c) throw error("unexpected " + describe() + ", expected '" + c + "'");
        pos++;
    }

    private int peek() {
        return pos < in.length ? in[pos] : -1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void skipSpace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\n' || in[pos] == '\r')) pos++;
    }

    private String describe() {
        if (pos >= in.length) return "end of input";
        int b = in[pos] & 0xff;
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : "byte 0x" + Integer.toHexString(b);
    }

    private JsonException error(String message) {
        return new JsonException(message, pos);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Pretty JSON with two-space indentation and a final newline; arrays of numbers, strings, booleans and
     * nulls stay on one line ({@code "shape": [2, 3]}). Accepts maps (keys as strings, in iteration order),
     * lists, {@code int[]/long[]/double[]/float[]}, strings, numbers, booleans and null; non-finite numbers are
     * refused because JSON has no spelling for them.
     */
    public static String write(Object value) {
        return JsonWriter.write(value, true) + "\n";
    }

    /** The same value on one line without spaces (the form of safetensors headers). */
    public static String writeCompact(Object value) {
        return JsonWriter.write(value, false);
    }
}
