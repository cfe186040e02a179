package dev.vdiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options that a run would not use are one-line errors naming them (and nothing is written), never accepted and
 * silently ignored: TQD's law options without TQD timesteps, the synthetic-data options with a video folder,
 * {@code --global-time} for an eps/v pyramid, {@code sample --eta} with lcm or flow; {@code sample --pyramid} says
 * that it is not needed.
 */
class IgnoredOptionsCliTest {
    @TempDir
    Path tmp;

    private void refused(String fragment, String... trainArgs) {
        Path out = tmp.resolve("run-" + Math.abs(String.join(" ", trainArgs).hashCode()));
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "2"}, args(TrainSampleCliTest.TINY, trainArgs))), fragment);
        assertFalse(Files.exists(out.resolve("run.json")), "nothing written for a refused run");
    }

    @Test
    void tqdLawOptionsNeedTqdTimesteps() {
        refused("--kappa-base shapes TQD's timestep law and needs --timesteps tqd", "--kappa-base", "3");
        refused("--kappa-base, --kappa-max shape TQD's timestep law", "--timesteps", "uniform", "--kappa-base", "3", "--kappa-max", "9");
        refused("--kappa-max shapes", "--quality-dropout", "rejection", "--kappa-max", "9");
        refused("--score-normalization applies to quality scores", "--score-normalization", "rank");
    }

    @Test
    void scoreNormalizationIsAcceptedWhereScoresAreUsed() {
        // Uniform timesteps with a quality dropout do read scores: the option applies and the run starts.
        Path out = tmp.resolve("dropout");
        TrainSampleCliTest.Run r = vdiff(PyramidCliTest.withFrames4("train", "--out", out.toString(), "--steps", "1",
            "--quality-dropout", "rejection", "--score-normalization", "rank"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("run.json")));
    }

    @Test
    void syntheticDataOptionsAreRefusedForAVideoFolder() throws Exception {
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        refused("--data-seed applies to --data synthetic only, not to the video folder", "--data", videos.toString(), "--data-seed", "3");
        refused("--backgrounds, --color-by-class apply to --data synthetic only", "--data", videos.toString(), "--backgrounds", "flat", "--color-by-class");
    }

    @Test
    void globalTimeIsForFlowPyramidsOnly() {
        Path out = tmp.resolve("eps-pyramid");
        expectError(vdiff(PyramidCliTest.withFrames4("train", "--out", out.toString(), "--steps", "2", "--objective", "eps", "--pyramid", "--stages", "2",
            "--global-time", "stage-share")), "--global-time applies to flow pyramids (--objective flow) only");
        assertFalse(Files.exists(out.resolve("run.json")));
    }

    @Test
    void etaIsForDdimOnlyAndPyramidFlagSaysItIsNotNeeded() throws Exception {
        Path run = tmp.resolve("eps"), flowRun = tmp.resolve("flow");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1"}, TrainSampleCliTest.TINY)).code());
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s1").toString(), "--sampler", "lcm", "--steps", "2", "--eta", "0.5"),
            "--eta applies to --sampler ddim only, not lcm");
        assertTrue(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s2").toString(), "--sampler", "ddim", "--steps", "2", "--eta", "0.5",
            "--per-label", "1", "--labels", "0").code() == 0, "eta works with ddim");

        assertEquals(0, vdiff(PyramidCliTest.withFrames4("train", "--out", flowRun.toString(), "--steps", "1", "--objective", "flow", "--pyramid", "--stages", "2")).code());
        expectError(vdiff("sample", "--run", flowRun.toString(), "--out", tmp.resolve("s3").toString(), "--sampler", "flow", "--steps", "2", "--eta", "0.3"),
            "--eta applies to --sampler ddim only, not flow");
        TrainSampleCliTest.Run p = vdiff("sample", "--run", flowRun.toString(), "--out", tmp.resolve("s4").toString(), "--sampler", "flow", "--steps", "2",
            "--per-label", "1", "--labels", "0", "--pyramid");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("--pyramid is not needed: a run trained with --pyramid is always sampled stage by stage"), p.err());
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s5").toString(), "--pyramid"), "was not trained as a temporal pyramid");
    }
}
