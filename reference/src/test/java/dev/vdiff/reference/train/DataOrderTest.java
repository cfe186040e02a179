package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Batch;
import dev.vdiff.reference.data.BatchLoader;
import dev.vdiff.reference.data.DataOrder;

import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Epoch permutations, position determinism, and batches that do not depend on the worker count. */
class DataOrderTest {
    @Test
    void everyEpochVisitsEveryClipOnceInItsOwnOrder() {
        int n = 37;
        DataOrder order = new DataOrder(n, Rng.seed(5).split(1));
        long[][] epochs = new long[3][n];
        for (int e = 0; e < 3; e++) {
            for (int i = 0; i < n; i++) epochs[e][i] = order.index((long) e * n + i);
            long[] sorted = epochs[e].clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "epoch " + e + " is a permutation");
        }
        assertFalse(Arrays.equals(epochs[0], epochs[1]), "epochs are reshuffled");
        // A fresh order (as after a resume) gives the same index for any position, visited in any order.
        DataOrder again = new DataOrder(n, Rng.seed(5).split(1));
        assertEquals(epochs[2][5], again.index(2L * n + 5));
        assertEquals(epochs[0][36], again.index(36));
        assertEquals(2, order.epoch(2L * n));
    }

    @Test
    void batchesAreTheSameOnOneOrManyThreads() {
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(4, 8, 8));
        int keep = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Batch one = new BatchLoader(data, new DataOrder(20, Rng.seed(1)), 6, 0).load(17);
            Parallel.setThreads(4);
            Batch four = new BatchLoader(data, new DataOrder(20, Rng.seed(1)), 6, 1 << 20).load(17);
            assertArrayEquals(one.indices(), four.indices());
            assertArrayEquals(one.video().floats(), four.video().floats(), 0f);
            assertArrayEquals(one.labels().longs(), four.labels().longs());
            assertArrayEquals(new int[] {6, 4, 3, 8, 8}, one.video().shape());
        } finally {
            Parallel.setThreads(keep);
        }
    }

    @Test
    void trainingLossesDoNotDependOnThreadCount() throws Exception {
        int keep = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Trainer a = TrainerResumeTest.trainer(1, TrainerResumeTest.CFG);
            a.run(3, null, null);
            Parallel.setThreads(3);
            Trainer b = TrainerResumeTest.trainer(1, TrainerResumeTest.CFG);
            b.run(3, null, null);
            assertEquals(a.losses(), b.losses());
        } finally {
            Parallel.setThreads(keep);
        }
    }

    @Test
    void timestepsAreDrawnPerSampleFromPerStepStreams() {
        // Timesteps vary within a batch; different steps have different streams.
        Rng step = Rng.seed(3).split(Trainer.STEPS).split(0);
        long[] t = TimestepSampler.uniform(1000).sample(new Batch(null, null, new long[8], null, 0), step.split(Trainer.TIMESTEPS)).longs();
        assertTrue(Arrays.stream(t).distinct().count() > 4, Arrays.toString(t));
        for (long v : t) assertTrue(v >= 0 && v < 1000);
        assertNotEquals(Rng.seed(3).split(Trainer.STEPS).split(0).nextLong(), Rng.seed(3).split(Trainer.STEPS).split(1).nextLong());
    }
}
