package dev.vdiff.tensor.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python dict literal in an .npy header, e.g. {@code {'descr': '<f8', 'fortran_order': False,
 * 'shape': (3, 4), }}: string keys; values are strings, {@code True/False/None}, integers and tuples of
 * integers. Anything else (lists of fields of structured dtypes, expressions) is refused with a message.
 * Integers come back as {@link Long}, tuples as {@code List<Long>}.
 */
final class PyLiteral {
    private final String s;
    private int pos;

    private PyLiteral(String s) {
        this.s = s;
    }

    /** Thrown with a message that names the character offset in the header. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message, int offset) {
            super(message + " at header character " + offset);
        }
    }

    static Map<String, Object> parseDict(String text) throws SyntaxError {
        PyLiteral p = new PyLiteral(text);
        p.space();
        Map<String, Object> m = p.dict();
        p.space();
        if (p.pos != text.length()) throw p.error("unexpected text after the dict");
        return m;
    }

    private Map<String, Object> dict() throws SyntaxError {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        while (peek() != '}') {
            int keyAt = pos;
            String key = string();
            space();
            expect(':');
            space();
            Object v = value();
            if (m.containsKey(key)) throw new SyntaxError("duplicate key '" + key + "'", keyAt);
            m.put(key, v);
            space();
            if (peek() == ',') {
                pos++;
                space();
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
        pos++;
        return m;
    }

    private Object value() throws SyntaxError {
        int c = peek();
        if (c == '\'' || c == '"') return string();
        if (c == '(') return tuple();
        if (c == '-' || (c >= '0' && c <= '9')) return integer();
        if (s.startsWith("True", pos)) { pos += 4; return Boolean.TRUE; }
        if (s.startsWith("False", pos)) { pos += 5; return Boolean.FALSE; }
        if (s.startsWith("None", pos)) { pos += 4; return null; }
        if (c == '[') throw error("lists (structured dtypes) are not supported");
        throw error("expected a string, number, tuple, True, False or None");
    }

    private List<Long> tuple() throws SyntaxError {
        expect('(');
        List<Long> items = new ArrayList<>();
        space();
        while (peek() != ')') {
            items.add(integer());
            space();
            if (peek() == ',') {
                pos++;
                space();
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in tuple");
            }
        }
        pos++;
        return items;
    }

    private long integer() throws SyntaxError {
        int start = pos;
        if (peek() == '-') pos++;
        int digits = pos;
        while (peek() >= '0' && peek() <= '9') pos++;
        if (pos == digits) throw error("expected an integer");
        if (pos - digits > 18) throw new SyntaxError("integer " + s.substring(start, pos) + " is too large", start);
        long v = Long.parseLong(s.substring(start, pos));   // at most 18 digits: cannot overflow
        if (peek() == 'L') pos++;   // Python 2 long literal, found in old files
        return v;
    }

    private String string() throws SyntaxError {
        int q = peek();
        if (q != '\'' && q != '"') throw error("expected a quoted string");
        int start = ++pos;
        while (pos < s.length() && s.charAt(pos) != q) {
            if (s.charAt(pos) == '\\') throw error("escape sequences are not supported");
            pos++;
        }
        if (pos >= s.length()) throw new SyntaxError("unterminated string", start - 1);
        return s.substring(start, pos++);
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private int peek() {
        return pos < s.length() ? s.charAt(pos) : -1;
    }

    private void space() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) pos++;
    }

    private SyntaxError error(String message) {
        String found = pos >= s.length() ? "end of header" : "'" + printable(s.charAt(pos)) + "'";
        return new SyntaxError(message + ", found " + found, pos);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
