package dev.vdiff.tensor.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The writing half of {@link Json}: deterministic output, pretty or compact. */
final class JsonWriter {
    private JsonWriter() {}

    static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        writeValue(sb, value, 0, pretty);
        return sb.toString();
    }

    private static void writeValue(StringBuilder sb, Object v, int indent, boolean pretty) {
        if (indent > Json.MAX_DEPTH) throw new IllegalArgumentException("JSON value nested deeper than " + Json.MAX_DEPTH + " levels (a cycle?)");
        if (v == null) sb.append("null");
        else if (v instanceof String) quote(sb, (String) v);
        else if (v instanceof Boolean) sb.append(v);
        else if (v instanceof Double || v instanceof Float) writeDouble(sb, ((Number) v).doubleValue());
        else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) sb.append(((Number) v).longValue());
        else if (v instanceof java.math.BigInteger || v instanceof java.math.BigDecimal) sb.append(v);   // their toString is JSON
        else if (v instanceof Map) writeObject(sb, (Map<?, ?>) v, indent, pretty);
        else if (v instanceof List) writeArray(sb, (List<?>) v, indent, pretty);
        else if (v instanceof int[]) writeArray(sb, boxed((int[]) v), indent, pretty);
        else if (v instanceof long[]) writeArray(sb, boxed((long[]) v), indent, pretty);
        else if (v instanceof double[]) writeArray(sb, boxed((double[]) v), indent, pretty);
        else if (v instanceof float[]) writeArray(sb, boxed((float[]) v), indent, pretty);
        else throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }

    private static void writeDouble(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON cannot hold the number " + d);
        sb.append(d);   // Double.toString round-trips exactly and is valid JSON ("1.0E-5")
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> m, int indent, boolean pretty) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            newline(sb, indent + 1, pretty);
            quote(sb, String.valueOf(e.getKey()));
            sb.append(pretty ? ": " : ":");
            writeValue(sb, e.getValue(), indent + 1, pretty);
        }
        newline(sb, indent, pretty);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, List<?> list, int indent, boolean pretty) {
        boolean flat = list.stream().noneMatch(x -> x instanceof Map || x instanceof List || (x != null && x.getClass().isArray()));
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) sb.append(pretty && flat ? ", " : ",");
            if (!flat) newline(sb, indent + 1, pretty);
            writeValue(sb, list.get(i), indent + 1, pretty);
        }
        if (!flat && !list.isEmpty()) newline(sb, indent, pretty);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, boolean pretty) {
        if (!pretty) return;
        sb.append('\n');
        for (int i = 0; i < indent; i++) sb.append("  ");
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));   // a pair: one code point, written as UTF-8 later
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        sb.append(String.format("\\u%04x", (int) c));   // control characters; lone surrogates, which UTF-8 cannot carry
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static List<Object> boxed(int[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (int x : a) l.add((long) x);
        return l;
    }

    private static List<Object> boxed(long[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (long x : a) l.add(x);
        return l;
    }

    private static List<Object> boxed(double[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (double x : a) l.add(x);
        return l;
    }

    private static List<Object> boxed(float[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (float x : a) l.add((double) x);
        return l;
    }
}
