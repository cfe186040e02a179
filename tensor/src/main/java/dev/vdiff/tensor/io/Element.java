package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;

import java.nio.ByteBuffer;

/**
 * An element type as stored in a file, and how it widens into one of vdiff's three dtypes. Float32, float64
 * and int64 are read and written bit-exactly; the narrower types are read only: float16 and bfloat16 become
 * float32 (exactly: every such value is a float32 value), integers and booleans become int64.
 */
enum Element {
    F64(8, DType.FLOAT64, "F64", "f8"),
    F32(4, DType.FLOAT32, "F32", "f4"),
    F16(2, DType.FLOAT32, "F16", "f2"),
    BF16(2, DType.FLOAT32, "BF16", null),
    I64(8, DType.INT64, "I64", "i8"),
    I32(4, DType.INT64, "I32", "i4"),
    I16(2, DType.INT64, "I16", "i2"),
    I8(1, DType.INT64, "I8", "i1"),
    U32(4, DType.INT64, "U32", "u4"),
    U16(2, DType.INT64, "U16", "u2"),
    U8(1, DType.INT64, "U8", "u1"),
    BOOL(1, DType.INT64, "BOOL", "b1");

    /** Bytes per element in the file. */
    final int width;
    /** The dtype the element is read into. */
    final DType dtype;
    /** Name in safetensors headers. */
    final String safetensorsName;
    /** NumPy kind and size ({@code f4}), without the byte-order character; null where NumPy has none. */
    final String numpyCode;

    Element(int width, DType dtype, String safetensorsName, String numpyCode) {
        this.width = width;
        this.dtype = dtype;
        this.safetensorsName = safetensorsName;
        this.numpyCode = numpyCode;
    }

    /** The element a tensor of {@code dtype} is written as. */
    static Element of(DType dtype) {
        switch (dtype) {
            case FLOAT32: return F32;
            case FLOAT64: return F64;
            default: return I64;
        }
    }

    static Element fromSafetensors(String name) {
        for (Element e : values()) if (e.safetensorsName.equals(name)) return e;
        return null;
    }

    static Element fromNumpy(String code) {
        for (Element e : values()) if (code.equals(e.numpyCode)) return e;
        return null;
    }

    /**
     * Decodes {@code n} elements from {@code src} (its byte order set by the caller) into {@code dst}
     * (a float[], double[] or long[] of {@link #dtype}) starting at {@code off}; advances {@code src}.
     */
    void decode(ByteBuffer src, Object dst, int off, int n) {
        switch (this) {
            case F64: src.asDoubleBuffer().get((double[]) dst, off, n); break;
            case F32: src.asFloatBuffer().get((float[]) dst, off, n); break;
            case I64: src.asLongBuffer().get((long[]) dst, off, n); break;
            case F16: { float[] d = (float[]) dst; for (int i = 0; i < n; i++) d[off + i] = halfToFloat(src.getShort(src.position() + 2 * i)); break; }
            case BF16: { float[] d = (float[]) dst; for (int i = 0; i < n; i++) d[off + i] = Float.intBitsToFloat((src.getShort(src.position() + 2 * i) & 0xffff) << 16); break; }
            case I32: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.getInt(src.position() + 4 * i); break; }
            case I16: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.getShort(src.position() + 2 * i); break; }
            case I8: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.get(src.position() + i); break; }
            case U32: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.getInt(src.position() + 4 * i) & 0xffffffffL; break; }
            case U16: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.getShort(src.position() + 2 * i) & 0xffff; break; }
            case U8: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.get(src.position() + i) & 0xff; break; }
            case BOOL: { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[off + i] = src.get(src.position() + i) != 0 ? 1 : 0; break; }
            default: throw new AssertionError(this);
        }
        src.position(src.position() + n * width);
    }

    /** Encodes {@code n} elements of {@code src} from {@code off} into {@code dst}; only F64, F32 and I64. */
    void encode(Object src, int off, int n, ByteBuffer dst) {
        switch (this) {
            case F64: dst.asDoubleBuffer().put((double[]) src, off, n); break;
            case F32: dst.asFloatBuffer().put((float[]) src, off, n); break;
            case I64: dst.asLongBuffer().put((long[]) src, off, n); break;
            default: throw new UnsupportedOperationException("writing " + this + " is not supported");
        }
        dst.position(dst.position() + n * width);
    }

    /**
     * IEEE-754 binary16 to binary32, exact. Half: 1 sign, 5 exponent (bias 15), 10 mantissa bits; the float
     * exponent is the half exponent + 112 (127 - 15), and subnormal halves are {@code mantissa * 2^-24}.
     */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));   // inf, NaN (payload kept)
        if (exp == 0) {
            float f = mant * 0x1p-24f;   // zero or subnormal; exact, mant < 2^10
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
