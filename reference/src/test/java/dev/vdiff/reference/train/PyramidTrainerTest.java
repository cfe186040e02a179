package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Batch;
import dev.vdiff.reference.data.BatchLoader;
import dev.vdiff.reference.data.DataOrder;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidLoss;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Trainer} with TPDiff's stage-wise loss ({@link PyramidLoss}): resume bit for bit, the one-stage
 * pyramid is plain rectified flow (checked against the formula written out here), and the vanilla path is
 * unchanged by the loss-builder hook.
 */
class PyramidTrainerTest {
    static final TrainConfig CFG = TrainerResumeTest.CFG;   // 7 clips, batch 3, 4 frames of 8x8

    static Trainer trainer(long modelSeed, PyramidConfig pyramid, Objective objective) {
        TinyDenoiser model = new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(modelSeed));
        return new Trainer(model, TrainerResumeTest.DATA, CFG, objective, NoiseSchedule.videoCrafter2(), TimestepSampler.uniform(1000),
            pyramid == null ? null : new PyramidLoss(pyramid, objective));
    }

    @Test
    void pyramidRunResumesBitForBit(@TempDir Path dir) throws IOException {
        for (Objective o : new Objective[] {Objective.FLOW, Objective.EPSILON}) {
            PyramidConfig p = o == Objective.FLOW ? PyramidConfig.flow() : PyramidConfig.vp(NoiseSchedule.videoCrafter2());
            Trainer straight = trainer(1, p, o);
            straight.run(6, null, null);
            Checkpoints ck = new Checkpoints(dir.resolve(o.cliName), 5);
            trainer(1, p, o).run(4, ck, null);
            Trainer resumed = trainer(99, p, o);
            Checkpoints.load(ck.latest().orElseThrow(), resumed);
            resumed.run(6, null, null);
            assertEquals(straight.losses(), resumed.losses(), o + " losses");
            TrainerResumeTest.assertSameBits(straight.model().module().stateDict(), resumed.model().module().stateDict(), o + " parameters");
            TrainerResumeTest.assertSameBits(straight.ema().stateDict(), resumed.ema().stateDict(), o + " EMA");
            for (double l : straight.losses()) assertTrue(Double.isFinite(l) && l > 0);
            // The pyramid loss is not the vanilla loss (different inputs and targets from the same draws).
            Trainer vanilla = trainer(1, null, o);
            vanilla.run(1, null, null);
            assertNotEquals(vanilla.losses().get(0), straight.losses().get(0), o + ": pyramid vs vanilla");
        }
    }

    /**
     * One stage, no alignment: TPDiff's flow path (eqs. 12-13) is rectified flow between the clip and the noise,
     * {@code x = (1 - t') x0 + t' eps}, target {@code eps - x0}, model time {@code 1000 t'} (SPEC §1.6). Rebuilt here
     * from the step's random streams: the noise from stream NOISE, then the stage draw and {@code u} from TIMESTEPS
     * ({@code t' = 1 - u}).
     */
    @Test
    void oneStagePyramidIsRectifiedFlow() {
        PyramidConfig one = PyramidConfig.flow().withUniformStages(1).withAlignment(NoiseAlignment.Mode.OFF);
        Trainer tr = trainer(1, one, Objective.FLOW);
        TinyDenoiser model = (TinyDenoiser) tr.model();
        Batch batch = new BatchLoader(TrainerResumeTest.DATA, new DataOrder(7, Rng.seed(CFG.seed()).split(Trainer.DATA)), 3, 1 << 20).load(0);
        Tensor x0 = batch.video().to(DType.FLOAT32);
        Tensor y = Tensor.ofLongs(new long[] {0, 1, 2}, 3);
        Rng step = Rng.seed(5);
        double got = new PyramidLoss(one, Objective.FLOW).loss(model, batch, x0, y, step).item();

        Tensor eps = step.split(Trainer.NOISE).normal(DType.FLOAT32, x0.shape());
        Rng times = step.split(Trainer.TIMESTEPS);
        times.randint(1, 2, 3);                               // the stage draw (always stage 1)
        double[] u = times.uniform(DType.FLOAT64, 3).doubles();
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double tp = 1 - u[i];
            Tensor xi = x0.narrow(0, i, 1), ei = eps.narrow(0, i, 1);
            Tensor input = Arithmetic.add(Arithmetic.mul(xi, 1 - tp), Arithmetic.mul(ei, tp));
            Tensor out = model.forward(input, Tensor.of(new float[] {(float) (1000 * tp)}, 1), y.narrow(0, i, 1).contiguous());
            expected += Losses.mse(out, Arithmetic.sub(ei, xi)).item() / 3;
        }
        assertEquals(expected, got, 1e-6 * expected);
    }

    @Test
    void formMustMatchTheObjective() {
        assertThrows(IllegalArgumentException.class, () -> new PyramidLoss(PyramidConfig.flow(), Objective.EPSILON));
        assertThrows(IllegalArgumentException.class, () -> new PyramidLoss(PyramidConfig.vp(NoiseSchedule.videoCrafter2()), Objective.FLOW));
    }
}
