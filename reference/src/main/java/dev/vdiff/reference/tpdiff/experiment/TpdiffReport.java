package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.tpdiff.PyramidStages;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the experiment's {@code metrics.json} and {@code report.md} (atomically). */
final class TpdiffReport {
    private TpdiffReport() {}

    /** The goals of the task: inference at least 1.4x and training at least 1.3x faster. */
    static final double INFERENCE_GOAL = 1.4, TRAIN_GOAL = 1.3;

    static void write(Path out, TpdiffExperimentConfig cfg, TpdiffExperiment.Result r) throws IOException {
        text(out.resolve("metrics.json"), Json.write(metrics(cfg, r)));
        text(out.resolve("report.md"), markdown(cfg, r));
    }

    /**
     * The speed-up if a network call cost exactly its frame count and nothing else did: training draws stage k
     * with probability 1/K and runs it on {@code F/2^{k-1}} frames, so {@code K / sum_k 2^{-(k-1)}} (1.71 for K = 3);
     * sampling spends {@code n_k} steps on stage k, so {@code sum n_k / sum_k n_k 2^{-(k-1)}}.
     */
    static double predictedTrain(PyramidStages s) {
        double sum = 0;
        for (int k = 1; k <= s.count(); k++) sum += Math.pow(2, -(k - 1));
        return s.count() / sum;
    }

    static double predictedInference(PyramidStages s, int steps) {
        int[] n = s.allocation(steps);   // stage K first
        double sum = 0;
        for (int i = 0; i < n.length; i++) sum += n[i] * Math.pow(2, -(s.count() - 1 - i));
        return steps / sum;
    }

    /**
     * The part of a step that does not shrink with the frame count, from {@code vanilla = c + m} and
     * {@code pyramid = c + m / predicted}: {@code c = vanilla - (vanilla - pyramid) / (1 - 1/predicted)}.
     */
    static double impliedFixedMs(double vanilla, double pyramid, double predicted) {
        double m = (vanilla - pyramid) / (1 - 1 / predicted);
        return vanilla - m;
    }

    static Map<String, Object> metrics(TpdiffExperimentConfig cfg, TpdiffExperiment.Result r) {
        PyramidStages st = cfg.pyramid().stages();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inference_ms", pair(r.sample().vanillaMean(), r.sample().pyramidMean()));
        m.put("train_step_ms", pair(r.train().vanillaMean(), r.train().pyramidMean()));
        Map<String, Object> sp = new LinkedHashMap<>();
        sp.put("inference", r.inferenceSpeedup());
        sp.put("train", r.trainSpeedup());
        sp.put("inference_median_pair_ratio", r.sample().medianPairRatio());
        sp.put("train_median_pair_ratio", r.train().medianPairRatio());
        sp.put("inference_predicted_by_frame_count", predictedInference(st, cfg.sampleSteps()));
        sp.put("train_predicted_by_frame_count", predictedTrain(st));
        sp.put("inference_goal", INFERENCE_GOAL);
        sp.put("train_goal", TRAIN_GOAL);
        sp.put("inference_goal_met", r.inferenceSpeedup() >= INFERENCE_GOAL);
        sp.put("train_goal_met", r.trainSpeedup() >= TRAIN_GOAL);
        m.put("speedup", sp);
        Map<String, Object> median = new LinkedHashMap<>();
        median.put("inference_ms", pair(r.sample().vanillaMedian(), r.sample().pyramidMedian()));
        median.put("train_step_ms", pair(r.train().vanillaMedian(), r.train().pyramidMedian()));
        m.put("median", median);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("metric", SampleQuality.METRIC);
        q.put("vanilla", r.qualityVanilla());
        q.put("pyramid", r.qualityPyramid());
        q.put("data", r.qualityData());
        q.put("generated_clips_per_arm", (long) cfg.classes() * cfg.evalPerClass());
        q.put("reference_clips", (long) cfg.referenceClips());
        m.put("sample_quality", q);
        Map<String, Object> loss = new LinkedHashMap<>();
        loss.put("vanilla_final_mean", tailMean(r.lossVanilla()));
        loss.put("pyramid_final_mean", tailMean(r.lossPyramid()));
        m.put("loss", loss);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("train_steps_timed", (long) r.train().count());
        timing.put("train_warmup_steps_skipped", (long) cfg.timingWarmup());
        timing.put("sample_chunks_timed", (long) r.sample().count());
        timing.put("threads", (long) r.threads());
        timing.put("machine_load", r.load());
        timing.put("total_seconds", r.totalSeconds());
        m.put("timing", timing);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("run", cfg.pyramidRun().toJson());
        c.put("sampler", cfg.sampler().describe());
        c.put("pyramid_steps_per_stage", Arrays.toString(st.allocation(cfg.sampleSteps())));
        c.put("stages", st.toString());
        c.put("parameters", r.parameters());
        m.put("config", c);
        return m;
    }

    static String markdown(TpdiffExperimentConfig cfg, TpdiffExperiment.Result r) {
        RunSpec run = cfg.run();
        DataSpec d = run.data();
        TrainConfig tc = run.train();
        PyramidStages st = cfg.pyramid().stages();
        double predT = predictedTrain(st), predI = predictedInference(st, cfg.sampleSteps());
        StringBuilder s = new StringBuilder("# TPDiff temporal pyramid vs vanilla training (vdiff experiment tpdiff)\n\n");
        s.append(String.format(Locale.ROOT, "One network, data set and schedule, trained twice from the same initial weights, seed, clips and noise draws: "
            + "**vanilla** (every step at the full %d frames) and **TPDiff** (K = %d stages at %s frames, SPEC §5), then sampled with the same "
            + "total number of denoising steps. Run on the CPU with %d threads; %s. Total time %.1f minutes.%n%n",
            d.frames(), st.count(), frames(st, d.frames()), r.threads(), r.load(), r.totalSeconds() / 60));

        s.append("## Result\n\n| | vanilla | TPDiff | speed-up | predicted by frame count | goal |\n|---|---:|---:|---:|---:|---:|\n");
        s.append(String.format(Locale.ROOT, "| training step (mean of %d, ms) | %.0f | %.0f | **%.2fx** | %.2fx | %.1fx %s |%n", r.train().count(),
            r.train().vanillaMean(), r.train().pyramidMean(), r.trainSpeedup(), predT, TRAIN_GOAL, r.trainSpeedup() >= TRAIN_GOAL ? "met" : "**missed**"));
        s.append(String.format(Locale.ROOT, "| sampling one video, %d steps, guidance %.1f (ms) | %.0f | %.0f | **%.2fx** | %.2fx | %.1fx %s |%n", cfg.sampleSteps(),
            cfg.guidance(), r.sample().vanillaMean(), r.sample().pyramidMean(), r.inferenceSpeedup(), predI, INFERENCE_GOAL,
            r.inferenceSpeedup() >= INFERENCE_GOAL ? "met" : "**missed**"));
        s.append(String.format(Locale.ROOT, "| %s, lower is better (held-out real clips: %.3f) | %.3f | %.3f | | | |%n%n", SampleQuality.METRIC, r.qualityData(),
            r.qualityVanilla(), r.qualityPyramid()));
        s.append(String.format(Locale.ROOT, "Medians: training step %.0f vs %.0f ms (median per-pair ratio %.2fx), sampling %.0f vs %.0f ms per video (%.2fx). "
            + "The paper reports 1.49-1.71x faster inference (TPDiff Tab. 1, 30 steps on H100s).%n%n",
            r.train().vanillaMedian(), r.train().pyramidMedian(), r.train().medianPairRatio(), r.sample().vanillaMedian(), r.sample().pyramidMedian(), r.sample().medianPairRatio()));
        s.append("![timings](timings.png)\n\n");

        s.append("## Where the time goes\n\n");
        double fixedT = impliedFixedMs(r.train().vanillaMean(), r.train().pyramidMean(), predT);
        double fixedI = impliedFixedMs(r.sample().vanillaMean(), r.sample().pyramidMean(), predI);
        s.append(String.format(Locale.ROOT, "If a network call cost exactly its frame count, a training step would be %.2fx and sampling %.2fx faster "
            + "(stage k of K runs on F/2^(k-1) frames; training draws the stages uniformly, sampling spends %s steps on stages %d..1). "
            + "Fitting `time = fixed + per-frame work` to the two arms' means gives a part that does not shrink with the frame count of about "
            + "%.0f ms per training step (%.0f%% of the vanilla step: data loading, the optimizer, gradient clipping and EMA over all %,d "
            + "parameters, the data-noise assignment, and per-call overheads, which the pyramid pays once per stage group, i.e. up to %d "
            + "network calls per step instead of 1) and about %.0f ms per sampled video (%.0f%%). Measured speed-ups above the prediction "
            + "come from costs that grow faster than the frame count (temporal attention is quadratic in it) and from timing noise.%n%n",
            predT, predI, Arrays.toString(st.allocation(cfg.sampleSteps())), st.count(), fixedT, 100 * fixedT / r.train().vanillaMean(), r.parameters(),
            st.count(), fixedI, 100 * fixedI / r.sample().vanillaMean()));
        s.append("Timing method: after " + cfg.timingWarmup() + " warm-up steps, each step of one arm is followed by the same step of the other, the order "
            + "alternating (vanilla first on even steps, the pyramid first on odd ones); sampling alternates the same way per chunk of "
            + cfg.chunk() + " videos after one untimed warm-up chunk per arm. Another process may share the machine: the ratios of interleaved means are "
            + "what counts, not the absolute milliseconds.\n\n");

        s.append("## Samples\n\n" + (cfg.shownPerClass() == 1 ? "The first generated video" : "The first " + cfg.shownPerClass() + " generated videos")
            + " of each class (rows; same labels and seeds for both arms), and held-out real clips:\n\n");
        s.append("| vanilla | TPDiff | real |\n|---|---|---|\n");
        s.append("| ![vanilla](samples/vanilla.gif) | ![pyramid](samples/pyramid.gif) | ![data](samples/data.gif) |\n\n");
        s.append("Frames: [vanilla](samples/vanilla.png), [TPDiff](samples/pyramid.png), [real](samples/data.png).\n\n");

        s.append("## Sample quality\n\n");
        double gap = Math.abs(r.qualityVanilla() - r.qualityPyramid());
        s.append(String.format(Locale.ROOT, "`%s` of %d generated clips per arm against %d held-out real clips (the demo's metric; lower is better). "
            + "%d held-out real clips of the same number score %.3f: that is the floor a perfect model would reach with this many clips. "
            + "The arms differ by %.3f (%s).%n%n", SampleQuality.METRIC, cfg.classes() * cfg.evalPerClass(), cfg.referenceClips(), cfg.classes() * cfg.evalPerClass(),
            r.qualityData(), gap, r.qualityPyramid() <= r.qualityVanilla() ? "the pyramid is better" : "vanilla is better"));

        s.append("## Training loss\n\n![loss](loss.png)\n\n");
        s.append(String.format(Locale.ROOT, "Mean loss of the last steps: vanilla %.4f, TPDiff %.4f. The two are different quantities: the pyramid "
            + "regresses a stage's velocity `x̂_s - x̂_e` (SPEC §5.3, eq. 13), which spans only part of the path and starts from aligned "
            + "noise (SPEC §5.4), so its loss is smaller at the same quality; compare each curve's trend only.%n%n",
            tailMean(r.lossVanilla()), tailMean(r.lossPyramid())));

        s.append("## Setup\n\n| | |\n|---|---|\n");
        s.append(String.format(Locale.ROOT, "| data | synthetic moving shapes, %d classes, %d frames of %dx%d RGB (pixel space), %d training clips rendered up front |%n",
            d.classes(), d.frames(), d.height(), d.width(), cfg.trainClips()));
        s.append(String.format(Locale.ROOT, "| model | video UNet %s, %,d parameters; coarse stages run the same weights on fewer frames (first frame positions) |%n",
            run.model().describe(), r.parameters()));
        s.append(String.format(Locale.ROOT, "| training | %s objective, %d steps x %d clips per arm, AdamW lr %s (%d warm-up steps), grad clip %s, EMA %s, class dropout %s, seed %d |%n",
            run.objective().cliName, tc.steps(), tc.batchSize(), tc.lr(), tc.warmupSteps(), tc.gradClip(), tc.emaDecay(), tc.classDropout(), tc.seed()));
        s.append(String.format(Locale.ROOT, "| pyramid | %s; stage per clip %s, data-noise alignment %s, renoising %s, model time %s |%n", st,
            cfg.pyramid().stageSampling().name().toLowerCase(Locale.ROOT), cfg.pyramid().alignment().name().toLowerCase(Locale.ROOT),
            cfg.pyramid().renoising().name().toLowerCase(Locale.ROOT), cfg.pyramid().globalTime().name().toLowerCase(Locale.ROOT)));
        s.append(String.format(Locale.ROOT, "| sampling | %s, EMA weights; TPDiff: %s steps per stage (stage %d first), renoising at each jump (SPEC §5.5) |%n%n",
            cfg.sampler().describe(), Arrays.toString(st.allocation(cfg.sampleSteps())), st.count()));
        s.append("Files: `metrics.json` (all numbers), `timings.png`, `loss.png`, `samples/{vanilla,pyramid,data}.{gif,mp4,png}`.\n");
        return s.toString();
    }

    private static String frames(PyramidStages st, int f) {
        StringBuilder b = new StringBuilder();
        for (int k = st.count(); k >= 1; k--) b.append(k == st.count() ? "" : ", ").append(st.frames(k, f));
        return b.toString();
    }

    private static Map<String, Object> pair(double vanilla, double pyramid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vanilla", vanilla);
        m.put("pyramid", pyramid);
        return m;
    }

    static double tailMean(List<Double> l) {
        int n = Math.max(1, Math.min(50, l.size() / 5));
        double s = 0;
        for (int i = l.size() - n; i < l.size(); i++) s += l.get(i);
        return s / n;
    }

    private static void text(Path file, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }
}
