package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §4.6 items 2, 3 and 5 on toy denoisers, and the student gradient of L_MCD against finite differences. */
class MotionConsistencyDistillationTest {
    static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    /** eps(x) = tanh(x * w[c]) + 0.1 x, a per-channel toy network over [B, C, F, H, W]. */
    static Denoiser toy(Tensor w) {
        int c = w.numel();
        return Denoiser.of(PredictionType.EPSILON, (x, t, cond) ->
            Arithmetic.add(Pointwise.tanh(Arithmetic.mul(x, w.reshape(1, c, 1, 1, 1))), Arithmetic.mul(x, 0.1)));
    }

    static MotionConsistencyDistillation mcd(double pGen) {
        MotionConsistencyDistillation.Config m = MotionConsistencyDistillation.Config.MCM;
        return new MotionConsistencyDistillation(new MotionConsistencyDistillation.Config(m.gridPoints(), m.omegaMin(), m.omegaMax(), m.huberC(), m.boundary(), pGen), VC2);
    }

    static final MotionTarget RAW = MotionTarget.fixed(MotionRepresentation.RAW, ButterworthFilter.MCM, MotionTarget.Layout.BCFHW);

    @Test
    void mixedTrajectoryShareFollowsPGen() {
        Tensor w = Tensor.of(new double[] {0.5, -0.3}, 2);
        Denoiser net = toy(w);
        Tensor x0 = Rng.seed(1).normal(DType.FLOAT64, 2, 2, 3, 2, 2);
        for (double p : new double[] {0, 1, 0.5}) {
            Rng rng = Rng.seed(2);
            int generated = 0, steps = 400;
            for (int s = 0; s < steps; s++) {
                MotionConsistencyDistillation.Step st = mcd(p).loss(net, net, net, RAW, x0, null, null, rng);
                if (st.generated()) {
                    generated++;
                    assertFalse(java.util.Arrays.equals(x0.doubles(), st.x0().contiguous().doubles()), "generated clean latents differ from the data");
                } else {
                    assertTrue(st.x0() == x0, "real trajectories use the data latents themselves");
                }
            }
            if (p == 0) assertEquals(0, generated);
            else if (p == 1) assertEquals(steps, generated);
            else assertEquals(0.5, generated / (double) steps, 4 * Math.sqrt(0.25 / steps));   // within 4 sigma
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void studentInputIsPureNoiseAtTheLastGridIndexOnly(long seed) {
        Denoiser net = toy(Tensor.of(new double[] {0.5, -0.3}, 2));
        Tensor x0 = Rng.seed(seed).normal(DType.FLOAT64, 300, 2, 1, 1, 2);   // 300 samples: several land on n = 49
        MotionConsistencyDistillation m = mcd(0);
        MotionConsistencyDistillation.Step st = m.loss(net, net, net, RAW, x0, null, null, Rng.seed(seed + 10));
        double[] z = st.z().contiguous().doubles(), e = st.eps().contiguous().doubles(), x = x0.doubles();
        int row = z.length / 300, lastSeen = 0;
        for (int b = 0; b < 300; b++) {
            int n = st.gridIndex()[b], t = (n + 1) * 20 - 1;
            for (int i = b * row; i < (b + 1) * row; i++) {
                if (n == 49) assertEquals(e[i], z[i], 0.0);
                else assertEquals(VC2.sqrtAlphaBar(t) * x[i] + VC2.sqrtOneMinusAlphaBar(t) * e[i], z[i], 1e-14);
            }
            if (n == 49) lastSeen++;
        }
        assertTrue(lastSeen > 0 && lastSeen < 300, "samples at the last grid index: " + lastSeen);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void identityHeadWithoutAdversaryIsPlainLcmDistillation(long seed) {
        Denoiser net = toy(Tensor.of(new float[] {0.5f, -0.3f, 0.8f, 0.1f}, 4));
        Tensor x0 = Rng.seed(seed).normal(DType.FLOAT32, 2, 4, 3, 4, 4);
        LearnedMotionHead online = new LearnedMotionHead(new LearnedMotionHead.Config(4, 8, 4), DType.FLOAT32, Rng.seed(5));
        LearnedMotionHead ema = new LearnedMotionHead(new LearnedMotionHead.Config(4, 8, 4), DType.FLOAT32, Rng.seed(5));
        MotionTarget learn = MotionTarget.learned(online, ema, MotionTarget.Layout.BCFHW);
        float lr = mcd(0.5).loss(net, net, net, RAW, x0, null, null, Rng.seed(seed)).loss().contiguous().floats()[0];
        float ll = mcd(0.5).loss(net, net, net, learn, x0, null, null, Rng.seed(seed)).loss().contiguous().floats()[0];
        assertEquals(Float.floatToIntBits(lr), Float.floatToIntBits(ll), "L_MCD with g = identity must equal cd_target = raw bit for bit");
        // and a representation that is not the identity changes the loss
        MotionTarget diff = MotionTarget.fixed(MotionRepresentation.DIFF, ButterworthFilter.MCM, MotionTarget.Layout.BCFHW);
        assertNotEquals(lr, mcd(0.5).loss(net, net, net, diff, x0, null, null, Rng.seed(seed)).loss().item());
    }

    @Test
    void studentGradientMatchesFiniteDifferencesWithAFixedTarget() {
        Tensor ws = Tensor.of(new double[] {0.5, -0.3}, 2).requiresGrad(true), wt = Tensor.of(new double[] {0.45, -0.2}, 2), wT = Tensor.of(new double[] {0.7, 0.2}, 2);
        Tensor x0 = Rng.seed(3).normal(DType.FLOAT64, 3, 2, 3, 2, 2);
        LearnedMotionHead head = new LearnedMotionHead(new LearnedMotionHead.Config(2, 4, 2), DType.FLOAT64, Rng.seed(4));
        for (var p : head.parameters()) { double[] d = p.doubles(); for (int i = 0; i < d.length; i++) d[i] += 0.2 * Math.sin(i + 1); }
        LearnedMotionHead ema = new LearnedMotionHead(new LearnedMotionHead.Config(2, 4, 2), DType.FLOAT64, Rng.seed(4));
        MotionTarget g = MotionTarget.learned(head, ema, MotionTarget.Layout.BCFHW);
        Tensor[] leaves = new Tensor[1 + head.parameters().size()];
        leaves[0] = ws;
        for (int i = 0; i < head.parameters().size(); i++) leaves[i + 1] = head.parameters().get(i);
        // huber c = 1 here so that the loss is smooth at the scale of the finite-difference step
        MotionConsistencyDistillation.Config m = MotionConsistencyDistillation.Config.MCM;
        MotionConsistencyDistillation smooth = new MotionConsistencyDistillation(new MotionConsistencyDistillation.Config(50, 5, 15, 1.0, m.boundary(), 0.5), VC2);
        GradCheck.checkInPlace(() -> smooth.loss(toy(ws), toy(wt), toy(wT), g, x0, null, null, Rng.seed(8)).loss(), leaves);
        assertArrayEquals(new int[] {}, smooth.loss(toy(ws), toy(wt), toy(wT), g, x0, null, null, Rng.seed(8)).loss().shape());
    }
}
