package dev.vdiff.tensor;

/**
 * Element type of a tensor. Float64 is the oracle precision (every golden case is checked in it),
 * float32 is the training precision, int64 holds indices, labels and masks.
 */
public enum DType {
    FLOAT32(4, "float32"),
    FLOAT64(8, "float64"),
    INT64(8, "int64");

    /** Bytes per element in files and on the wire. */
    public final int bytes;
    /** Name used by PyTorch and NumPy ({@code torch.float32}, {@code np.float64}, ...). */
    public final String pyName;

    DType(int bytes, String pyName) {
        this.bytes = bytes;
        this.pyName = pyName;
    }

    public boolean isFloat() {
        return this != INT64;
    }

    /** Parses {@code float32|float64|int64} (also {@code f32|f64|i64}); the error names the flag's value. */
    public static DType parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "float32": case "f32": return FLOAT32;
            case "float64": case "f64": return FLOAT64;
            case "int64": case "i64": return INT64;
            default: throw new IllegalArgumentException("unknown dtype '" + s + "' (expected float32, float64 or int64)");
        }
    }

    @Override
    public String toString() {
        return pyName;
    }
}
