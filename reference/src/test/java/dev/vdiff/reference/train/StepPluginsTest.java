package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.data.DataOrder;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's plug-in points for methods with their own optimisation structure (MCM's adapters, discriminator and
 * random streams): {@link TrainableParameters}, {@link AfterStep} with its named values through checkpoints,
 * {@link Trainer.StepStream}, {@link DataSelection#SEQUENTIAL}.
 */
class StepPluginsTest {
    static final TrainConfig CFG = TrainerResumeTest.CFG;

    static TinyDenoiser model() {
        return new TinyDenoiser(3, 5, DType.FLOAT32, Rng.seed(1));
    }

    @Test
    void trainableParametersReplaceTheModulesAndTheirHooksRunAroundBackward() {
        TinyDenoiser m = model();
        Map<String, float[]> before = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> before.put(k, v.contiguous().floats().clone()));
        Tensor outScale = m.namedParameters().get("out_scale");
        int[] zeroed = {0}, after = {0};
        TrainableParameters only = new TrainableParameters() {
            @Override
            public Map<String, Tensor> parameters() {
                return Map.of("out_scale", outScale);
            }

            @Override
            public void zeroGrad() {
                zeroed[0]++;
                m.zeroGrad();
            }

            @Override
            public void afterBackward() {
                after[0]++;
                assertNotNull(outScale.grad(), "afterBackward runs after the backward pass");
                assertArrayEquals(before.get("out_scale"), outScale.contiguous().floats(), "and before the optimizer step");
                for (var e : m.namedParameters().entrySet()) if (!e.getKey().equals("out_scale")) e.getValue().zeroGrad();   // as LoRA clears W's gradient
            }
        };
        Trainer tr = new Trainer(m, TrainerResumeTest.DATA, CFG.withWarmupSteps(0), NoiseSchedule.videoCrafter2(), TimestepSampler.uniform(1000)).withTrainableParameters(only);
        tr.step();
        assertEquals(1, zeroed[0]);
        assertEquals(1, after[0]);
        for (var e : m.namedParameters().entrySet()) {
            boolean same = java.util.Arrays.equals(before.get(e.getKey()), e.getValue().contiguous().floats());
            assertEquals(!e.getKey().equals("out_scale"), same, e.getKey() + (same ? " did not change" : " changed"));
        }
        assertTrue(tr.optimizer().stateDict().keySet().stream().allMatch(k -> k.startsWith("out_scale")), tr.optimizer().stateDict().keySet().toString());
        assertEquals(List.of("out_scale"), List.copyOf(tr.ema().stateDict().keySet()));
    }

    /** A method's after-step work: it counts its calls (checkpointed) and reports the step number and a draw from the step's stream. */
    static final class Counter implements AfterStep, CheckpointState {
        double calls;

        @Override
        public Map<String, Double> afterStep(long step, Rng stepStream) {
            calls++;
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("step", (double) step);
            m.put("draw", stepStream.split(9).uniform(DType.FLOAT64, 1).doubles()[0]);
            m.put("calls", calls);
            return m;
        }

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public Map<String, Tensor> stateDict() {
            return Map.of("calls", Tensor.of(new double[] {calls}, 1));
        }

        @Override
        public void loadStateDict(Map<String, Tensor> state) {
            calls = state.get("calls").doubles()[0];
        }
    }

    static Trainer withCounter(Counter c) {
        return TrainerResumeTest.trainer(1, CFG).withAfterStep(c).withExtraState(c);
    }

    @Test
    void afterStepValuesAreKeptWithEveryStepAndSurviveAResume(@TempDir Path dir) throws IOException {
        Counter a = new Counter();
        Trainer straight = withCounter(a);
        List<Trainer.StepResult> straightSteps = new ArrayList<>();
        straight.run(6, null, straightSteps::add);
        for (int k = 0; k < 6; k++) {
            Map<String, Double> t = straightSteps.get(k).terms();
            assertEquals(List.of("step", "draw", "calls"), List.copyOf(t.keySet()));
            assertEquals(k, t.get("step"), 0.0);
            assertEquals(k + 1, t.get("calls"), 0.0);
            assertEquals(Rng.seed(CFG.seed()).split(Trainer.STEPS).split(k).split(9).uniform(DType.FLOAT64, 1).doubles()[0], t.get("draw"), 0.0, "the default step stream");
        }
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), straight.terms().get("calls"));

        Counter b = new Counter();
        Trainer first = withCounter(b);
        Checkpoints ck = new Checkpoints(dir, 5);
        first.run(4, ck, null);
        Counter c = new Counter();
        Trainer resumed = withCounter(c);
        Checkpoints.load(ck.latest().orElseThrow(), resumed);
        assertEquals(straight.terms().get("draw").subList(0, 4), resumed.terms().get("draw"), "the history comes back from state.json");
        List<Trainer.StepResult> rest = new ArrayList<>();
        resumed.run(6, ck, rest::add);
        assertEquals(straightSteps.subList(4, 6), rest);
        assertEquals(straight.terms(), resumed.terms());
        assertEquals(straight.losses(), resumed.losses());
    }

    @Test
    void theStepStreamIsPluggableAndIsWhatTheLossAndTheAfterStepWorkSee() {
        List<Double> seenByLoss = new ArrayList<>();
        Trainer.LossBuilder loss = (model, batch, x0, y, r) -> {
            seenByLoss.add(r.split(9).uniform(DType.FLOAT64, 1).doubles()[0]);
            Tensor t = Tensor.ofLongs(new long[batch.size()], batch.size());
            return Losses.mse(model.forward(x0, t, y), x0);
        };
        Counter c = new Counter();
        Trainer tr = new Trainer(model(), TrainerResumeTest.DATA, CFG, Objective.EPSILON, NoiseSchedule.videoCrafter2(), TimestepSampler.uniform(1000), loss)
            .withStepStream((root, k) -> root.split(100 + k)).withAfterStep(c);
        List<Trainer.StepResult> steps = new ArrayList<>();
        for (int k = 0; k < 3; k++) steps.add(tr.step());
        for (int k = 0; k < 3; k++) {
            double want = Rng.seed(CFG.seed()).split(100 + k).split(9).uniform(DType.FLOAT64, 1).doubles()[0];
            assertEquals(want, seenByLoss.get(k), 0.0);
            assertEquals(want, steps.get(k).terms().get("draw"), 0.0);
        }
    }

    @Test
    void afterStepValuesMustKeepTheirNamesAndNotClash() {
        Trainer clash = TrainerResumeTest.trainer(1, CFG).withAfterStep((s, r) -> Map.of("x", 1.0)).withAfterStep((s, r) -> Map.of("x", 2.0));
        assertThrows(IllegalStateException.class, clash::step);
        Trainer changing = TrainerResumeTest.trainer(1, CFG).withAfterStep((s, r) -> s == 0 ? Map.of("x", 1.0) : Map.of("y", 1.0));
        changing.step();
        assertThrows(IllegalStateException.class, changing::step);
        Trainer started = TrainerResumeTest.trainer(1, CFG);
        started.step();
        assertThrows(IllegalStateException.class, () -> started.withAfterStep((s, r) -> Map.of()));
        assertThrows(IllegalStateException.class, () -> started.withStepStream(Trainer.StepStream.DEFAULT));
        assertThrows(IllegalStateException.class, () -> started.withTrainableParameters(Map::of));
    }

    @Test
    void aTrainingSetupPassesThePointsOnAndRefusesTwoOwners() {
        RunSpec run = new RunSpec(ModelSpec.defaults().withFrames(4).withPatch(1).withCh0(8).withCh1(16).withHeads(2).withGroups(4),
            DataSpec.synthetic(4, 8, 8).withSpeeds(0.5, 1).withStaticProbability(0), Objective.EPSILON, CFG);
        TrainingSetup s = new TrainingSetup(run, TrainerResumeTest.DATA, null, false, System.err);
        TinyDenoiser m = model();
        Tensor mix = m.namedParameters().get("mix");
        s.trainable(() -> Map.of("mix", mix), "method A");
        s.stepStream((root, k) -> root.split(100 + k), "method A");
        Counter c = new Counter();
        s.afterStep(c);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> s.stepStream(Trainer.StepStream.DEFAULT, "method B"));
        assertTrue(twice.getMessage().contains("method A") && twice.getMessage().contains("method B"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.trainable(Map::of, "method B"));
        Trainer tr = s.build(m);
        Trainer.StepResult r = tr.step();
        assertEquals(List.of("mix"), List.copyOf(tr.optimizer().stateDict().keySet().stream().map(k -> k.substring(0, 3)).distinct().toList()));
        assertEquals(Rng.seed(CFG.seed()).split(100).split(9).uniform(DType.FLOAT64, 1).doubles()[0], r.terms().get("draw"), 0.0);
    }

    @Test
    void sequentialSelectionWalksTheTrainingClipsInOrderAndCycles() {
        DataOrder order = new DataOrder(5, Rng.seed(3));
        DataSelection.Selected s = DataSelection.SEQUENTIAL.next(order, 4, 3);
        assertArrayEquals(new long[] {4, 0, 1}, s.indices());
        assertEquals(7, s.nextPosition());
        assertArrayEquals(new long[] {2, 3}, DataSelection.SEQUENTIAL.next(order, 7, 2).indices());
    }
}
