package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {
    private static double[] factors(LrSchedule s, int n) {
        double[] f = new double[n];
        for (int k = 0; k < n; k++) f[k] = s.factor(k);
        return f;
    }

    @Test
    void linearWarmupRampsFromZero() {
        // diffusers constant_with_warmup, W = 4: 0, 1/4, 2/4, 3/4, then 1.
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1, 1, 1},
            factors(LrSchedule.linearWarmup(4), 7), 1e-15);
        assertArrayEquals(new double[] {1, 1}, factors(LrSchedule.linearWarmup(0), 2), 0);
    }

    @Test
    void decaysAfterWarmup() {
        // W = 2, total 10: linear (10 - k) / 8 after warm-up; cosine 0.5 (1 + cos(pi (k - 2) / 8)).
        LrSchedule lin = LrSchedule.byName("linear", 2, 10), cos = LrSchedule.byName("cosine", 2, 10);
        assertEquals(0.5, lin.factor(1), 1e-15);
        assertEquals(1.0, lin.factor(2), 1e-15);
        assertEquals(0.5, lin.factor(6), 1e-15);
        assertEquals(0.0, lin.factor(10), 0);
        assertEquals(0.0, lin.factor(12), 0);
        assertEquals(1.0, cos.factor(2), 1e-15);
        assertEquals(0.5, cos.factor(6), 1e-15);
        assertEquals((1 + Math.sqrt(0.5)) / 2, cos.factor(4), 1e-15);   // cos(pi/4)
        assertEquals(0.0, cos.factor(10), 1e-15);
        assertEquals(0.0, cos.factor(14), 1e-15);
        assertEquals(1.0, LrSchedule.byName("constant", 5, 10).factor(0), 0);
    }

    @Test
    void applySetsTheOptimizerRate() {
        SGD opt = new SGD(Map.of("w", Tensor.of(new double[] {0}, 1)), 1.0);
        LrSchedule.linearWarmup(10).apply(opt, 2e-4, 5);
        assertEquals(1e-4, opt.lr(), 1e-19);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.byName("step", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearWarmup(-1));
    }
}
