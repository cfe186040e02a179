package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import org.junit.jupiter.api.Test;

/** SPEC §1.5 f_theta and §1.8 item 1 through a network. */
class ConsistencyFunctionTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();

    @Test
    void identityAtTheBoundaryTimeWhateverTheNetworkSays() {
        ConsistencyFunction f = new ConsistencyFunction(SCHEDULE, LcmBoundary.T2V_TURBO);
        for (PredictionType type : PredictionType.values()) {
            for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                Tensor z = Samples.normal(1, 2, 3, 4).to(dtype), junk = Samples.normal(2, 2, 3, 4).to(dtype);
                Close.assertClose(f.apply(Denoiser.of(type, (x, t, c) -> junk), z, Tensor.ofLongs(new long[] {0, 0}, 2), null), z, 0, 0);
            }
        }
    }

    @Test
    void perSampleTimesFollowTheFormula() {
        // f = c_skip(t) z + c_out(t) (z - s_t e) / a_t, written out per sample.
        ConsistencyFunction f = new ConsistencyFunction(SCHEDULE, LcmBoundary.MCM);
        long[] ts = {19, 999, 0};
        Tensor z = Samples.normal(3, 3, 5), e = Samples.normal(4, 3, 5);
        Tensor got = f.fromOutput(PredictionType.EPSILON, z, e, Tensor.ofLongs(ts, 3));
        double[] zs = z.toDoubleArray(), es = e.toDoubleArray(), expected = new double[15];
        for (int i = 0; i < 15; i++) {
            int t = (int) ts[i / 5];
            double x0 = (zs[i] - SCHEDULE.sqrtOneMinusAlphaBar(t) * es[i]) / SCHEDULE.sqrtAlphaBar(t);
            expected[i] = LcmBoundary.MCM.cSkip(t) * zs[i] + LcmBoundary.MCM.cOut(t) * x0;
        }
        Close.assertClose(got.toDoubleArray(), expected, 1e-12, 1e-12);
    }

    @Test
    void differentiableInTheSampleAndTheNetworkOutput() {
        ConsistencyFunction f = new ConsistencyFunction(SCHEDULE, LcmBoundary.T2V_TURBO);
        Tensor t = Tensor.ofLongs(new long[] {4, 759}, 2);
        Tensor z = Samples.normal(5, 2, 3).requiresGrad(true), out = Samples.normal(6, 2, 3).requiresGrad(true);
        GradCheck.check(x -> f.fromOutput(PredictionType.V_PREDICTION, x[0], x[1], t), z, out);
        GradCheck.check(x -> f.fromOutput(PredictionType.EPSILON, x[0], x[1], t), z, out);
    }
}
