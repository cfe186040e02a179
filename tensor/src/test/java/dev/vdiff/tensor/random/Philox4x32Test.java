package dev.vdiff.tensor.random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class Philox4x32Test {
    /**
     * The three "philox4x32 10" lines of Random123's {@code tests/kat_vectors}: counter (4 words), key (2 words),
     * expected output (4 words), all hex.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        "00000000 00000000 00000000 00000000 00000000 00000000 6627e8d5 e169c58d bc57ac4c 9b00dbd8",
        "ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 408f276d 41c83b0e a20bc7c6 6d5451fd",
        "243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 d16cfe09 94fdcceb 5001e420 24126ea1",
    })
    void matchesRandom123KnownAnswers(String c0, String c1, String c2, String c3, String k0, String k1,
                                      String e0, String e1, String e2, String e3) {
        int[] out = new int[6];
        Philox4x32.block(hex(c0), hex(c1), hex(c2), hex(c3), hex(k0), hex(k1), out, 2);
        assertArrayEquals(new int[] {0, 0, hex(e0), hex(e1), hex(e2), hex(e3)}, out);
    }

    private static int hex(String s) {
        return Integer.parseUnsignedInt(s, 16);
    }
}
