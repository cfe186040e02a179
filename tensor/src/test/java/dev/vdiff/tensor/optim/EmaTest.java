package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmaTest {
    private static Map<String, Tensor> params(DType dt, double[] w, double[] b) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", Tensor.of(w.clone(), w.length).to(dt));
        m.put("bias", Tensor.of(b.clone(), b.length).to(dt));
        return m;
    }

    /** decay 0.9 from (1, 2 | 5) toward (3, 0 | 5): (1.2, 1.8 | 5), then (1.38, 1.62 | 5). */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void averageMatchesHandComputedValues(DType dt) {
        Map<String, Tensor> p = params(dt, new double[] {1, 2}, new double[] {5});
        Ema ema = new Ema(p, 0.9);
        set(p.get("weight"), 3, 0);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-15;
        ema.update(p);
        assertArrayEquals(new double[] {1.2, 1.8}, ema.shadow().get("weight").toDoubleArray(), tol);
        ema.update(p);
        assertArrayEquals(new double[] {1.38, 1.62}, ema.shadow().get("weight").toDoubleArray(), tol);
        assertArrayEquals(new double[] {5}, ema.shadow().get("bias").toDoubleArray(), 0);
        assertArrayEquals(new double[] {3, 0}, p.get("weight").toDoubleArray(), 0, "update leaves the parameters alone");
    }

    @Test
    void swapTwiceRestoresAndCopyToOverwrites() {
        Map<String, Tensor> p = params(DType.FLOAT32, new double[] {1, 2}, new double[] {5});
        Ema ema = new Ema(p, 0.5);
        set(p.get("weight"), 3, 4);
        ema.update(p);   // shadow (2, 3)
        ema.swap(p);
        assertArrayEquals(new double[] {2, 3}, p.get("weight").toDoubleArray(), 0);
        assertArrayEquals(new double[] {3, 4}, ema.shadow().get("weight").toDoubleArray(), 0);
        ema.swap(p);
        assertArrayEquals(new double[] {3, 4}, p.get("weight").toDoubleArray(), 0);
        ema.copyTo(p);
        assertArrayEquals(new double[] {2, 3}, p.get("weight").toDoubleArray(), 0);
    }

    @Test
    void stateRoundTripAndNameChecks() {
        Map<String, Tensor> p = params(DType.FLOAT64, new double[] {1, 2}, new double[] {5});
        Ema ema = new Ema(p, 0.99);
        set(p.get("weight"), -1, 7);
        ema.update(p);
        Map<String, Tensor> saved = ema.stateDict();
        Ema other = new Ema(params(DType.FLOAT64, new double[] {0, 0}, new double[] {0}), 0.99);
        other.loadStateDict(saved);
        assertArrayEquals(ema.shadow().get("weight").doubles(), other.shadow().get("weight").doubles());
        Map<String, Tensor> wrong = new LinkedHashMap<>();
        wrong.put("weight", Tensor.zeros(DType.FLOAT64, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> ema.update(wrong));
        assertTrue(e.getMessage().contains("missing 'bias'") && e.getMessage().contains("[3]"), e.getMessage());
    }

    private static void set(Tensor t, double... v) {
        for (int i = 0; i < v.length; i++) t.set(v[i], i);
    }
}
