package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.QualityDropout;
import dev.vdiff.reference.tqd.TimestepMapping;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.tensor.random.Rng;

/**
 * Puts TQD into a {@link Trainer} (SPEC §2.4): the timestep sampler ({@link #sampler}), and the quality dropout
 * ({@link #configure}): rejection at the data loader ({@link QualitySelection}, decisions from
 * {@code Rng.seed(seed).split(Trainer.SELECTION)}) or KREA's loss weights {@code w_i = max(m_i, v_i) /
 * mean_batch max(m, v)} ({@link QualityDropout#lossWeights}).
 *
 * <pre>{@code
 * TimestepSettings s = ...;  ClipScores scores = ClipScores.score(data, n, ScoreNormalization.PERCENTILE, null);
 * Trainer tr = new Trainer(model, data, cfg, Objective.V, schedule, TqdTraining.sampler(s, scores, Objective.V, 1000));
 * TqdTraining.configure(tr, s, scores);
 * }</pre>
 */
public final class TqdTraining {
    private TqdTraining() {}

    /** Uniform, or TQD's per-clip Beta law mapped to {@code 0..T-1} (flow-matching grid for {@link Objective#FLOW}). */
    public static TimestepSampler sampler(TimestepSettings s, ClipScores scores, Objective objective, int numTrainTimesteps) {
        if (s.sampler() == TimestepSettings.Sampler.UNIFORM) return TimestepSampler.uniform(numTrainTimesteps);
        if (scores == null) throw new IllegalArgumentException("TQD timesteps need quality scores");
        TimestepMapping mapping = objective == Objective.FLOW ? TimestepMapping.flow(numTrainTimesteps) : TimestepMapping.ddpm(numTrainTimesteps);
        return new TqdTimestepSampler(scores, s.tqd(), mapping);
    }

    /** Sets the quality dropout of {@code s} on a fresh trainer (before the first step or a checkpoint load). */
    public static Trainer configure(Trainer trainer, TimestepSettings s, ClipScores scores) {
        if (s.dropout() == DropoutMode.NONE) return trainer;
        if (scores == null) throw new IllegalArgumentException("quality dropout needs quality scores");
        if (s.dropout() == DropoutMode.REJECTION) {
            QualityDropout dropout = QualityDropout.of(scores.mq(), scores.vq(), Rng.seed(trainer.config().seed()).split(Trainer.SELECTION));
            return trainer.withDataSelection(new QualitySelection(dropout));
        }
        return trainer.withSampleWeights(batch -> {
            double[][] mv = scores.of(batch.indices());
            return QualityDropout.lossWeights(mv[0], mv[1]);
        });
    }

    /** The same plug-ins as {@link #sampler} and {@link #configure(Trainer, TimestepSettings, ClipScores)}, put into a {@link TrainingSetup} ({@link TqdMethod}). */
    public static void configure(TrainingSetup setup, TimestepSettings s, ClipScores scores) {
        Objective objective = setup.run().objective();
        if (s.sampler() == TimestepSettings.Sampler.TQD) {
            setup.timesteps(sampler(s, scores, objective, setup.run().schedule().numTrainTimesteps()), "TQD timesteps (--timesteps tqd)");
        }
        if (s.dropout() == DropoutMode.NONE) return;
        if (scores == null) throw new IllegalArgumentException("quality dropout needs quality scores");
        if (s.dropout() == DropoutMode.REJECTION) {
            QualityDropout dropout = QualityDropout.of(scores.mq(), scores.vq(), Rng.seed(setup.run().train().seed()).split(Trainer.SELECTION));
            setup.selection(new QualitySelection(dropout), "TQD quality dropout (rejection)");
        } else {
            setup.sampleWeights(batch -> {
                double[][] mv = scores.of(batch.indices());
                return QualityDropout.lossWeights(mv[0], mv[1]);
            }, "TQD quality dropout (loss-weight)");
        }
    }
}
