package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run.json keeps the timestep settings (TQD's section); a file written before they existed reads as uniform without dropout. */
class TimestepSettingsRunTest {
    static RunSpec run(TimestepSettings s) {
        DataSpec d = DataSpec.synthetic(4, 8, 8).withSpeeds(0.5, 1).withStaticProbability(0);
        ModelSpec m = ModelSpec.defaults().withFrames(4).withPatch(1).withCh0(8).withCh1(16).withHeads(2).withGroups(4).withTDim(16).withEmbDim(16);
        return s.into(new RunSpec(m, d, Objective.V, TrainConfig.defaults()));
    }

    @Test
    void settingsRoundTrip(@TempDir Path dir) throws Exception {
        TimestepSettings s = new TimestepSettings(TimestepSettings.Sampler.TQD, new TqdConfig(4, 10), DropoutMode.LOSS_WEIGHT, ScoreNormalization.RANK, "scores.csv");
        run(s).write(dir);
        assertEquals(s, TimestepSettings.of(RunSpec.read(dir)));
        assertEquals(s, TimestepSettings.of(RunSpec.read(dir).withTrain(TrainConfig.defaults().withSteps(5))));
    }

    @Test
    void anOldRunFileIsUniform(@TempDir Path dir) throws Exception {
        Map<String, Object> json = new java.util.LinkedHashMap<>(run(TimestepSettings.UNIFORM).toJson());
        json.remove("timesteps");
        Files.writeString(dir.resolve(RunSpec.FILE), Json.write(json));
        assertEquals(TimestepSettings.UNIFORM, TimestepSettings.of(RunSpec.read(dir)));
    }

    @Test
    void aBadEntryNamesTheFile(@TempDir Path dir) throws Exception {
        Map<String, Object> json = new java.util.LinkedHashMap<>(run(TimestepSettings.UNIFORM).toJson());
        json.put("timesteps", Map.of("sampler", "beta", "kappa_base", 2.0, "kappa_max", 8.0, "quality_dropout", "none", "score_normalization", "percentile"));
        Files.writeString(dir.resolve(RunSpec.FILE), Json.write(json));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimestepSettings.of(RunSpec.read(dir)));
        assertTrue(e.getMessage().contains("run.json") && e.getMessage().contains("unknown timestep sampler 'beta'"), e.getMessage());
    }
}
