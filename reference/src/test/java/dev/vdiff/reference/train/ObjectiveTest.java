package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Training pairs of both objectives against hand formulas, element by element in float64. */
class ObjectiveTest {
    static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();

    @Test
    void epsilonPairIsForwardProcess() {
        Rng r = Rng.seed(1);
        Tensor x0 = r.normal(DType.FLOAT64, 2, 3), eps = r.normal(DType.FLOAT64, 2, 3);
        Tensor t = Tensor.ofLongs(new long[] {0, 999}, 2);
        Objective.Example ex = Objective.EPSILON.example(x0, eps, t, SCHEDULE);
        for (int b = 0; b < 2; b++) {
            int tb = (int) t.longs()[b];
            double a = Math.sqrt(SCHEDULE.alphaBar(tb)), s = Math.sqrt(1 - SCHEDULE.alphaBar(tb));
            for (int j = 0; j < 3; j++) {
                assertEquals(a * x0.get(b, j) + s * eps.get(b, j), ex.input().get(b, j), 1e-15 + 1e-12 * Math.abs(ex.input().get(b, j)));
                assertEquals(eps.get(b, j), ex.target().get(b, j), 0);
            }
        }
        assertArrayEquals(new long[] {0, 999}, ex.modelTimesteps().longs());
    }

    @Test
    void vPairHasTheVelocityTarget() {
        Rng r = Rng.seed(3);
        Tensor x0 = r.normal(DType.FLOAT64, 2, 3), eps = r.normal(DType.FLOAT64, 2, 3);
        Tensor t = Tensor.ofLongs(new long[] {10, 700}, 2);
        Objective.Example ex = Objective.V.example(x0, eps, t, SCHEDULE);
        for (int b = 0; b < 2; b++) {
            int tb = (int) t.longs()[b];
            double a = Math.sqrt(SCHEDULE.alphaBar(tb)), s = Math.sqrt(1 - SCHEDULE.alphaBar(tb));
            for (int j = 0; j < 3; j++) {
                double v = a * eps.get(b, j) - s * x0.get(b, j);   // Salimans and Ho 2022, §4
                assertEquals(v, ex.target().get(b, j), 1e-15 + 1e-12 * Math.abs(v));
                assertEquals(a * x0.get(b, j) + s * eps.get(b, j), ex.input().get(b, j), 1e-15 + 1e-12 * Math.abs(ex.input().get(b, j)));
            }
        }
    }

    @Test
    void flowPairIsStraightPathWithVelocityTarget() {
        Rng r = Rng.seed(2);
        Tensor x0 = r.normal(DType.FLOAT64, 2, 4), eps = r.normal(DType.FLOAT64, 2, 4);
        Tensor t = Tensor.ofLongs(new long[] {249, 999}, 2);   // sigma 0.25 and 1
        Objective.Example ex = Objective.FLOW.example(x0, eps, t, SCHEDULE);
        double[] sigma = {0.25, 1.0};
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 4; j++) {
                double want = (1 - sigma[b]) * x0.get(b, j) + sigma[b] * eps.get(b, j);
                assertEquals(want, ex.input().get(b, j), 1e-15 + 1e-12 * Math.abs(want));
                assertEquals(eps.get(b, j) - x0.get(b, j), ex.target().get(b, j), 1e-15);
            }
        }
        assertArrayEquals(new long[] {250, 1000}, ex.modelTimesteps().longs());
    }

    @Test
    void parsesCliNames() {
        assertEquals(Objective.FLOW, Objective.parse("flow"));
        assertEquals(Objective.EPSILON, Objective.parse("EPS"));
        assertEquals(Objective.V, Objective.parse("v"));
        assertThrows(IllegalArgumentException.class, () -> Objective.parse("x0"));
    }
}
