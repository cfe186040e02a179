package dev.vdiff.reference.train;

import java.util.List;
import java.util.Map;

/** Typed reads of parsed JSON objects ({@link dev.vdiff.tensor.io.Json}) with errors that name the key. */
public final class JsonFields {
    private JsonFields() {}

    public static long longOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long)) throw new IllegalArgumentException("'" + key + "' must be an integer, got " + describe(v));
        return (Long) v;
    }

    public static double doubleOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number)) throw new IllegalArgumentException("'" + key + "' must be a number, got " + describe(v));
        return ((Number) v).doubleValue();
    }

    public static String stringOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) throw new IllegalArgumentException("'" + key + "' must be a string, got " + describe(v));
        return (String) v;
    }

    public static boolean boolOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Boolean)) throw new IllegalArgumentException("'" + key + "' must be true or false, got " + describe(v));
        return (Boolean) v;
    }

    public static Map<?, ?> objectOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map)) throw new IllegalArgumentException("'" + key + "' must be an object, got " + describe(v));
        return (Map<?, ?>) v;
    }

    public static List<?> listOf(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new IllegalArgumentException("'" + key + "' must be an array, got " + describe(v));
        return (List<?>) v;
    }

    public static double[] doublesOf(Map<?, ?> m, String key) {
        List<?> l = listOf(m, key);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number)) throw new IllegalArgumentException("'" + key + "'[" + i + "] must be a number, got " + describe(l.get(i)));
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }
}
