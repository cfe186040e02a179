package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The held-out loss per timestep bucket: edges, the oracle's zero loss, the zero model's loss by hand, fixed inputs. */
class HeldOutLossTest {
    static List<Tensor> clips(int n) {
        List<Tensor> l = new ArrayList<>();
        Rng r = Rng.seed(8);
        for (int i = 0; i < n; i++) l.add(r.split(i).uniform(-1, 1, DType.FLOAT32, 2, 3, 4, 4));
        return l;
    }

    /** A network whose output is looked up by the identity of its input tensor; the rest gets zeros. */
    static Denoiser lookup(Map<Tensor, Tensor> answers) {
        Module empty = new Module() {};
        return new Denoiser() {
            public Module module() {
                return empty;
            }

            public Tensor forward(Tensor x, Tensor t, Tensor y) {
                Tensor a = answers.get(x);
                return a != null ? a : Tensor.zeros(DType.FLOAT32, x.shape());
            }

            public int numClasses() {
                return 5;
            }
        };
    }

    @Test
    void edgesCoverAllTimestepsInEqualBuckets() {
        int[] e = HeldOutLoss.edges(1000, 10);
        assertArrayEquals(new int[] {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}, e);
        int[] odd = HeldOutLoss.edges(1000, 7);
        assertEquals(0, odd[0]);
        assertEquals(1000, odd[7]);
        for (int k = 0; k < 7; k++) assertTrue(odd[k + 1] - odd[k] == 142 || odd[k + 1] - odd[k] == 143, "bucket " + k);
        assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.edges(5, 6));
    }

    @Test
    void aModelPredictingTheTargetScoresZeroAndTheZeroModelScoresTheTargetsMeanSquare() {
        List<Tensor> c = clips(11);   // two chunks, the second partial
        long[] y = new long[11];
        HeldOutLoss eval = new HeldOutLoss(c, y, Objective.V, NoiseSchedule.videoCrafter2(), 10, 3);
        Map<Tensor, Tensor> oracle = new IdentityHashMap<>();
        double[] expectedZero = new double[10];
        int[] e = eval.edges();
        for (int b = 0; b < 10; b++) {
            double sum = 0;
            long n = 0;
            for (Objective.Example ex : eval.inputs().get(b).chunks()) {
                oracle.put(ex.input(), ex.target());
                for (float v : ex.target().contiguous().floats()) {
                    sum += (double) v * v;
                    n++;
                }
                for (long t : ex.modelTimesteps().contiguous().longs()) assertTrue(t >= e[b] && t < e[b + 1], "t " + t + " outside bucket " + b);
            }
            assertEquals(11L * 2 * 3 * 4 * 4, n);
            expectedZero[b] = sum / n;
        }
        double[] exact = eval.evaluate(lookup(oracle));
        for (double v : exact) assertEquals(0.0, v);
        double[] zero = eval.evaluate(lookup(new IdentityHashMap<>()));
        for (int b = 0; b < 10; b++) assertEquals(expectedZero[b], zero[b], 1e-12 * expectedZero[b]);
        // v-prediction targets grow with t (v = a eps - s x0 has mean square near 1 everywhere but x0 weight moves): just finite and positive.
        for (double v : zero) assertTrue(v > 0 && Double.isFinite(v));
    }

    @Test
    void theSameSeedGivesTheSameInputsAndAnotherSeedOthers() {
        List<Tensor> c = clips(3);
        long[] y = {0, 1, 2};
        HeldOutLoss a = new HeldOutLoss(c, y, Objective.EPSILON, NoiseSchedule.videoCrafter2(), 10, 5);
        HeldOutLoss b = new HeldOutLoss(c, y, Objective.EPSILON, NoiseSchedule.videoCrafter2(), 10, 5);
        HeldOutLoss other = new HeldOutLoss(c, y, Objective.EPSILON, NoiseSchedule.videoCrafter2(), 10, 6);
        for (int k = 0; k < 10; k++) {
            Objective.Example x = a.inputs().get(k).chunks().get(0), z = b.inputs().get(k).chunks().get(0);
            assertNotSame(x.input(), z.input());
            assertArrayEquals(x.input().contiguous().floats(), z.input().contiguous().floats());
            assertArrayEquals(x.modelTimesteps().contiguous().longs(), z.modelTimesteps().contiguous().longs());
        }
        assertTrue(!java.util.Arrays.equals(a.inputs().get(0).chunks().get(0).target().contiguous().floats(), other.inputs().get(0).chunks().get(0).target().contiguous().floats()));
    }
}
