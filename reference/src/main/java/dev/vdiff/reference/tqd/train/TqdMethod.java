package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.TrainingSetup;

import java.io.IOException;
import java.nio.file.Path;

/**
 * TQD as a {@link TrainingMethod} (SPEC §2.4): a run whose {@code "timesteps"} section ({@link TimestepSettings})
 * asks for TQD's per-clip Beta timesteps or a quality dropout gets its scores ({@link RunScores}: made once into
 * {@code RUN/scores.csv} for a new run, read back on resume), the timestep sampler and the dropout
 * ({@link TqdTraining}). A uniform run without dropout is left alone.
 */
public final class TqdMethod implements TrainingMethod {
    private final Path userScores;

    /** @param userScores the user's score table for a new run ({@code --scores}), or null to score the clips ourselves */
    public TqdMethod(Path userScores) {
        this.userScores = userScores;
    }

    @Override
    public String section() {
        return TimestepSettings.SECTION;
    }

    @Override
    public void configure(TrainingSetup setup) throws IOException {
        TimestepSettings s = TimestepSettings.of(setup.run());
        if (!s.needsScores()) return;
        ClipScores scores = setup.resumed() ? RunScores.load(setup.runDir(), setup.run(), setup.data())
            : RunScores.prepare(setup.runDir(), setup.run(), setup.data(), userScores, setup.log());
        TqdTraining.configure(setup, s, scores);
    }
}
