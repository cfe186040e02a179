package dev.vdiff.reference.mcm.oracle;

import dev.vdiff.tensor.Tensor;

import java.util.Map;

/** Typed reads of an oracle case's inputs and attrs; errors name the op and the missing or mistyped entry. */
final class OpInputs {
    private OpInputs() {}

    static Tensor required(String op, Map<String, Tensor> inputs, String name) {
        Tensor t = inputs.get(name);
        if (t == null) throw new IllegalArgumentException(op + ": needs an input '" + name + "'; the case has " + inputs.keySet());
        return t;
    }

    static double real(String op, Map<String, Object> attrs, String name) {
        Object v = attrs.get(name);
        if (!(v instanceof Number)) throw new IllegalArgumentException(op + ": attr '" + name + "' must be a number, got " + v);
        return ((Number) v).doubleValue();
    }

    static int integer(String op, Map<String, Object> attrs, String name) {
        double d = real(op, attrs, name);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": attr '" + name + "' must be an integer, got " + d);
        return (int) d;
    }

    static String string(String op, Map<String, Object> attrs, String name) {
        Object v = attrs.get(name);
        if (!(v instanceof String)) throw new IllegalArgumentException(op + ": attr '" + name + "' must be a string, got " + v);
        return (String) v;
    }
}
