package dev.vdiff.verification;

import dev.vdiff.tensor.io.Json;

import java.util.List;
import java.util.Map;

/**
 * The {@code attrs} object of a case with typed getters. A missing or mistyped attribute is an
 * {@link IllegalArgumentException} naming the case and the attribute.
 */
public final class Attrs {
    private final String caseId;
    private final Map<String, Object> values;

    public Attrs(String caseId, Map<String, Object> values) {
        this.caseId = caseId;
        this.values = values;
    }

    /** Whether the attribute is present and not null. */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    public double real(String name) {
        return number(name).doubleValue();
    }

    public int integer(String name) {
        Number n = number(name);
        if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) throw bad(name, "an integer", n);
        return n.intValue();
    }

    public boolean bool(String name) {
        Object v = get(name);
        if (!(v instanceof Boolean)) throw bad(name, "a boolean", v);
        return (Boolean) v;
    }

    public String string(String name) {
        Object v = get(name);
        if (!(v instanceof String)) throw bad(name, "a string", v);
        return (String) v;
    }

    /** A list of integers. */
    public int[] ints(String name) {
        Object v = get(name);
        if (!(v instanceof List)) throw bad(name, "a list of integers", v);
        List<?> list = (List<?>) v;
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Number) || ((Number) e).doubleValue() != Math.rint(((Number) e).doubleValue())) throw bad(name, "a list of integers", v);
            out[i] = ((Number) e).intValue();
        }
        return out;
    }

    /** A list of numbers. */
    public double[] reals(String name) {
        Object v = get(name);
        if (!(v instanceof List)) throw bad(name, "a list of numbers", v);
        List<?> list = (List<?>) v;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number)) throw bad(name, "a list of numbers", v);
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    /** A list of integers, or null when the attribute is null or absent (e.g. {@code axes: null} = all axes). */
    public int[] intsOrNull(String name) {
        return has(name) ? ints(name) : null;
    }

    private Number number(String name) {
        Object v = get(name);
        if (!(v instanceof Number)) throw bad(name, "a number", v);
        return (Number) v;
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) throw new IllegalArgumentException("case " + caseId + ": attribute '" + name + "' is missing");
        return v;
    }

    private IllegalArgumentException bad(String name, String expected, Object v) {
        return new IllegalArgumentException("case " + caseId + ": attribute '" + name + "' should be " + expected + ", got " + Json.typeName(v) + " " + v);
    }
}
