package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Leaky ReLU's parallel forward kernel: the formula {@code max(x, 0) + slope min(x, 0)}, and the same bits for 1 and 3 threads. */
class RectifiersTest {
    @Test
    void matchesTheFormulaAndIsBitIdenticalAcrossThreadCounts() {
        int before = Parallel.threads();
        Tensor x32 = Rng.seed(5).normal(DType.FLOAT32, 3, 70_001), x64 = Rng.seed(6).normal(DType.FLOAT64, 70_001);   // several grains
        try {
            Parallel.setThreads(1);
            float[] one32 = Rectifiers.leakyRelu(x32, 0.2).floats();
            double[] one64 = Rectifiers.leakyRelu(x64, 0.2).doubles();
            Parallel.setThreads(3);
            float[] three32 = Rectifiers.leakyRelu(x32, 0.2).floats();
            double[] three64 = Rectifiers.leakyRelu(x64, 0.2).doubles();
            assertArrayEquals(one32, three32);
            assertArrayEquals(one64, three64);
            float[] v = x32.floats();
            for (int i = 0; i < v.length; i++) assertEquals(Math.max(v[i], 0f) + 0.2f * Math.min(v[i], 0f), one32[i], 0f, "float32 at " + i);
            double[] d = x64.doubles();
            for (int i = 0; i < d.length; i++) assertEquals(Math.max(d[i], 0) + 0.2 * Math.min(d[i], 0), one64[i], 0.0, "float64 at " + i);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
