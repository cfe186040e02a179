package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §3.5 items 2 and 3, and gradient checks of the motion-guidance energy (SPEC §3.4). */
class TurboMotionEnergyTest {
    private static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();
    private static final int[] GRID = Timesteps.distillationGrid(20, 1000);   // 49, 99, ..., 999

    /** Random row-stochastic maps [n, f, f] (softmax of normal logits). */
    private static Tensor maps(long seed, int n, int f) {
        Rng r = Rng.seed(seed);
        Tensor logits = r.normal(DType.FLOAT64, n, f, f);
        return dev.vdiff.tensor.ops.Softmax.softmax(Arithmetic.mul(logits, 2.0), -1);
    }

    /** SPEC §3.5 item 2: temporal attention rows of the UNet sum to 1; the mask has one 1 per row, at the argmax. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void attentionRowsSumToOneAndMaskIsTopOne(long seed) {
        FrozenTeacher teacher = new FrozenTeacher(TurboFixtures.teacher(DType.FLOAT64, seed));
        MotionScore ms = new MotionScore(teacher, VC2, GRID, MotionScore.Config.defaults());
        Tensor z = Rng.seed(seed + 10).normal(DType.FLOAT64, 2, 4, 3, 8, 8);
        Map<String, Tensor> att;
        try (var s = Autograd.noGrad()) {
            att = ms.attention(z, Tensor.ofLongs(new long[] {999, 49}, 2), Tensor.ofLongs(new long[] {0, 2}, 2));
        }
        assertEquals(List.of("dec1_tattn"), new ArrayList<>(att.keySet()));
        Tensor a = att.get("dec1_tattn");   // [S, heads, F, F], S = 2 videos x 4 x 4 pixels at level 1
        assertEquals(List.of(32, 2, 4, 4), java.util.Arrays.stream(a.shape()).boxed().toList());
        double[] v = a.contiguous().doubles(), m = MotionGuidanceEnergy.mask(a).contiguous().doubles();
        for (int row = 0; row < v.length / 4; row++) {
            double sum = 0, ones = 0, best = -1;
            int arg = -1;
            for (int j = 0; j < 4; j++) {
                sum += v[row * 4 + j];
                ones += m[row * 4 + j];
                if (v[row * 4 + j] > best) {
                    best = v[row * 4 + j];
                    arg = j;
                }
            }
            assertEquals(1.0, sum, 1e-12, "row " + row);
            assertEquals(1.0, ones, 0.0);
            assertEquals(1.0, m[row * 4 + arg], 0.0);
        }
    }

    /** SPEC §3.5 item 3, first half: G >= 0, and G = 0 exactly when A = A_ref. */
    @ParameterizedTest
    @ValueSource(longs = {3, 4, 5})
    void energyIsNonNegativeAndZeroAtTheReference(long seed) {
        Tensor ref = maps(seed, 6, 5), a = maps(seed + 100, 6, 5);
        double e = MotionGuidanceEnergy.energy(List.of(a), List.of(ref)).item();
        assertTrue(e > 0, "energy " + e);
        assertEquals(0.0, MotionGuidanceEnergy.energy(List.of(ref.copy()), List.of(ref)).item(), 0.0);
        // per-video energies of a batch sum to per-video computations
        Tensor perVideo = MotionGuidanceEnergy.energyPerVideo(List.of(a), List.of(ref), 2);
        for (int b = 0; b < 2; b++) {
            double alone = MotionGuidanceEnergy.energy(List.of(a.narrow(0, 3 * b, 3).contiguous()), List.of(ref.narrow(0, 3 * b, 3).contiguous())).item();
            assertEquals(alone, perVideo.toDoubleArray()[b], 1e-12);
        }
    }

    /** The energy's value from its definition, written out with loops (PAPERS.md §3.5). */
    @Test
    void energyMatchesTheDefinitionByLoops() {
        Tensor r0 = maps(7, 3, 4), a0 = maps(8, 3, 4), r1 = maps(9, 5, 4), a1 = maps(10, 5, 4);
        double expect = 0;
        for (Tensor[] pair : new Tensor[][] {{a0, r0}, {a1, r1}}) {
            double[] a = pair[0].doubles(), r = pair[1].doubles();
            int n = a.length / 16;
            double sum = 0;
            for (int row = 0; row < n * 4; row++) {
                int arg = 0;
                for (int j = 1; j < 4; j++) if (r[row * 4 + j] > r[row * 4 + arg]) arg = j;
                double d = r[row * 4 + arg] - a[row * 4 + arg];
                sum += d * d;
            }
            expect += 100 * sum / (n * 4);
        }
        expect = 100 * expect / 2;
        assertEquals(expect, MotionGuidanceEnergy.energy(List.of(a0, a1), List.of(r0, r1)).item(), 1e-12 * expect);
    }

    /** Gradient check (float64 central differences) of the energy in q and k of two layers. */
    @Test
    void energyGradientInQueriesAndKeys() {
        Tensor r0 = maps(11, 3, 4), r1 = maps(12, 2, 4);
        Rng rng = Rng.seed(13);
        Tensor q0 = rng.normal(DType.FLOAT64, 3, 4, 5).requiresGrad(true), k0 = rng.normal(DType.FLOAT64, 3, 4, 5).requiresGrad(true);
        Tensor q1 = rng.normal(DType.FLOAT64, 2, 4, 3).requiresGrad(true), k1 = rng.normal(DType.FLOAT64, 2, 4, 3).requiresGrad(true);
        GradCheck.check(x -> MotionGuidanceEnergy.energy(
            List.of(MotionGuidanceEnergy.attention(x[0], x[1]), MotionGuidanceEnergy.attention(x[2], x[3])), List.of(r0, r1)), q0, k0, q1, k1);
    }

    /**
     * The motion score g = dE/dz through the teacher against central differences of E(z) along random directions,
     * and SPEC §3.5 item 3, second half: a small step z - eta g lowers E (the sign used by the solver).
     */
    @Test
    void scoreIsTheEnergyGradientAndDescends() {
        FrozenTeacher teacher = new FrozenTeacher(TurboFixtures.teacher(DType.FLOAT64, 21));
        MotionScore ms = new MotionScore(teacher, VC2, GRID, new MotionScore.Config(name -> name.startsWith("dec"), 4));
        Rng rng = Rng.seed(22);
        Tensor x0 = rng.normal(DType.FLOAT64, 2, 4, 3, 8, 8);
        int[] n = {19, 12};
        Tensor t = Tensor.ofLongs(new long[] {GRID[19], GRID[12]}, 2), y = Tensor.ofLongs(new long[] {1, 0}, 2);
        Tensor z = rng.normal(DType.FLOAT64, 2, 4, 3, 8, 8);
        Tensor g = ms.score(z, x0, n, y);
        Tensor zRef;
        try (var s = Autograd.noGrad()) {
            zRef = dev.vdiff.tensor.ops.Concat.cat(0, ms.reference(x0.narrow(0, 0, 1).contiguous(), 19, y.narrow(0, 0, 1).contiguous()),
                ms.reference(x0.narrow(0, 1, 1).contiguous(), 12, y.narrow(0, 1, 1).contiguous()));
        }
        java.util.function.Function<Tensor, Double> energy = zz -> Reductions.sumAll(ms.energy(zz, zRef, t, y)).item();
        double e0 = energy.apply(z);
        assertTrue(e0 > 0);
        for (int r = 0; r < 3; r++) {
            Tensor d = Rng.seed(30 + r).normal(DType.FLOAT64, z.shape());
            double h = 1e-5;
            double numeric = (energy.apply(Arithmetic.add(z, Arithmetic.mul(d, h))) - energy.apply(Arithmetic.sub(z, Arithmetic.mul(d, h)))) / (2 * h);
            double analytic = Reductions.sumAll(Arithmetic.mul(g, d)).item();
            assertEquals(numeric, analytic, 1e-5 + 1e-4 * Math.abs(numeric), "direction " + r);
        }
        double gg = Reductions.sumAll(Arithmetic.mul(g, g)).item();
        double eta = 1e-3 * e0 / gg;   // a step that should lower E by about 1e-3 E
        double e1 = energy.apply(Arithmetic.sub(z, Arithmetic.mul(g, eta)));
        assertTrue(e1 < e0, "E(z - eta g) = " + e1 + " not below E(z) = " + e0);
        double e2 = energy.apply(Arithmetic.add(z, Arithmetic.mul(g, eta)));
        assertTrue(e2 > e0, "E(z + eta g) = " + e2 + " not above E(z) = " + e0);
    }
}
