package dev.vdiff.reference.demo;

import dev.vdiff.reference.eval.ClipFeatures;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the demo's {@code metrics.json} and {@code report.md}. */
final class DemoReport {
    private DemoReport() {}

    /** {@code captionSection}: the caption demo's section ({@link CaptionFollowing#markdown}), empty for the class demo. */
    static void write(Path out, DemoConfig cfg, Demo.Result r, List<String> classNames, int threads, Device device, String captionSection) throws IOException {
        Map<String, Object> metrics = metrics(cfg, r, threads);
        metrics.put("backend", device.name());
        text(out.resolve("metrics.json"), Json.write(metrics));
        // where the network ran: the report must not say "on the CPU" for a --backend tornado run
        String where = device.isJvm() ? String.format(Locale.ROOT, "on the CPU (%d threads)", threads)
            : String.format(Locale.ROOT, "with its kernels on %s (`--backend %s`; %d JVM threads)", device.kernels().description(), device.name(), threads);
        text(out.resolve("report.md"), markdown(cfg, r, classNames, where, captionSection));
    }

    /** {@code {"eval": {"metric", "trained", "untrained", "data", ...}, "train": {...}, "time_seconds": {...}, "config": {...}}}. */
    static Map<String, Object> metrics(DemoConfig cfg, Demo.Result r, int threads) {
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("metric", SampleQuality.METRIC);
        eval.put("trained", r.trained());
        eval.put("untrained", r.untrained());
        eval.put("data", r.data());
        eval.put("generated_clips", (long) Math.max(1, cfg.run().data().classes()) * cfg.evalPerClass());
        eval.put("reference_clips", (long) cfg.referenceClips());
        eval.put("features", ClipFeatures.NAMES);
        eval.put("sampler", cfg.sampler().describe());
        if (r.backgrounds() != null) {
            Map<String, Object> bg = new LinkedHashMap<>();
            bg.put("trained", r.backgrounds().trained().toJson());
            bg.put("untrained", r.backgrounds().untrained().toJson());
            bg.put("data", r.backgrounds().data().toJson());
            eval.put("backgrounds", bg);
        }
        if (r.objects() != null) {
            Map<String, Object> ob = new LinkedHashMap<>();
            ob.put("trained", r.objects().trained().toJson());
            ob.put("untrained", r.objects().untrained().toJson());
            ob.put("data", r.objects().data().toJson());
            eval.put("objects", ob);
        }

        Map<String, Object> train = new LinkedHashMap<>();
        train.put("steps", (long) r.losses().size());
        train.put("planned_steps", cfg.run().train().steps());
        train.put("parameters", r.parameters());
        train.put("first_loss_mean", mean(r.losses(), 0, window(r.losses())));
        train.put("final_loss_mean", mean(r.losses(), r.losses().size() - window(r.losses()), r.losses().size()));
        train.put("loss_window", (long) window(r.losses()));

        Demo.Timings t = r.time();
        Map<String, Object> time = new LinkedHashMap<>();
        time.put("total", t.total());
        time.put("data", t.data());
        time.put("untrained_sampling", t.untrainedSampling());
        time.put("training", t.training());
        time.put("trained_sampling", t.trainedSampling());
        time.put("writing", t.writing());
        time.put("threads", (long) threads);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval", eval);
        if (cfg.captions()) {
            List<Object> rows = new java.util.ArrayList<>();
            for (CaptionFollowing.Score f : r.captionFollowing()) rows.add(f.toJson());
            Map<String, Object> c = new LinkedHashMap<>();
            List<Object> held = new java.util.ArrayList<>();
            for (var h : cfg.run().data().heldOut()) held.add(h.toString());
            c.put("held_out", held);
            c.put("class_chance", CaptionFollowing.classChance(cfg.run().data()));
            c.put("direction_chance", CaptionFollowing.directionChance());
            c.put("rows", rows);
            m.put("caption_following", c);
        }
        m.put("train", train);
        m.put("time_seconds", time);
        m.put("config", cfg.run().toJson());
        return m;
    }

    static String markdown(DemoConfig cfg, Demo.Result r, List<String> classNames, String where, String captionSection) {
        RunSpec run = cfg.run();
        DataSpec d = run.data();
        TrainConfig tc = run.train();
        Demo.Timings t = r.time();
        StringBuilder s = new StringBuilder();
        s.append("# vdiff demo\n\n");
        s.append(String.format(Locale.ROOT, "A small video diffusion model trained from scratch on the built-in synthetic moving shapes, %s, "
            + "in %s; then asked for videos of each class%s.%n%n", where, minutes(t.total()),
            cfg.captions() ? " by caption, and for shape x direction compositions it never saw" : ""));

        s.append("| | |\n|---|---|\n");
        s.append(String.format(Locale.ROOT, "| data | synthetic moving shapes: %d frames of %dx%d RGB, %d classes (%s)%s, backgrounds %s, %.1f-%.1f px/frame |%n",
            d.frames(), d.height(), d.width(), d.classes(), String.join(", ", classNames).replace('-', ' '), d.colorByClass() ? ", one colour per class" : ", random colours",
            d.backgrounds().isEmpty() ? "all" : d.backgrounds().toString().toLowerCase(Locale.ROOT), d.minSpeed(), d.maxSpeed()));
        s.append(String.format(Locale.ROOT, "| model | pixel-space video UNet (2 levels, spatial + temporal attention at the half-resolution level), %s, %,d parameters |%n",
            run.model().describe(), r.parameters()));
        String stopped = r.losses().size() < tc.steps() ? String.format(Locale.ROOT, " (stopped after %d of %d steps by the %.0f s time budget)", r.losses().size(), tc.steps(), cfg.maxTrainSeconds()) : "";
        String lrLaw = tc.lrSchedule().equals(TrainConfig.DEFAULT_LR_SCHEDULE) ? "then constant"
            : "then " + (tc.lrSchedule().equals("cosine") ? "half a cosine" : "linear") + " decay to 0 at step " + tc.steps();
        s.append(String.format(Locale.ROOT, "| training | recipe `%s` (docs/demo/RECIPE.md): %s, %s, %s; %d steps x %d clips%s; AdamW lr %s (%d warm-up steps, %s), "
            + "weight decay %s, grad clip %s, EMA %s, class dropout %s, seed %d |%n",
            cfg.recipe().cliName, objective(run), run.noise().describe(), cfg.recipe().describeTimesteps(), r.losses().size(), tc.batchSize(), stopped, tc.lr(),
            tc.warmupSteps(), lrLaw, tc.weightDecay(), tc.gradClip(), tc.emaDecay(), tc.classDropout(), tc.seed()));
        if (cfg.captions()) {
            var cs = dev.vdiff.reference.train.CaptionSpec.of(run);
            // Spelled out here rather than CaptionSpec.describe(), whose one-line form starts with "captions:" (the report's
            // sentence already says captions; the 2026-12 report read "captions (...): captions: 20 words").
            String encoder = cs == null ? "a text encoder" : String.format(Locale.ROOT, "a text encoder (%d words, up to %d token ids, %s)",
                cs.tokenizer().vocabSize() - 3, cs.tokenizer().maxLength(), cs.text().describe());
            s.append(String.format(Locale.ROOT, "| conditioning | the clips' captions (e.g. \"%s\") read by %s; the network has no class labels; "
                + "classifier-free guidance with the empty caption; held out of training: %s |%n",
                CaptionFollowing.seen(d, 1).get(0).caption(), encoder, d.heldOut()));
        }
        s.append(String.format(Locale.ROOT, "| sampling | %s, EMA weights |%n%n", cfg.sampler().describe()));

        s.append("## Samples\n\nEach file shows ").append(cfg.shownPerClass()).append(" generated videos side by side (GIF and MP4) and their frames, one row per video (PNG).\n\n");
        for (String name : classNames) {
            s.append("### ").append(name.replace('-', ' ')).append("\n\n");
            s.append("![").append(name).append("](samples/").append(name).append(".gif) ");
            s.append("[mp4](samples/").append(name).append(".mp4)\n\n");
            s.append("![").append(name).append(" frames](samples/").append(name).append(".png)\n\n");
        }
        s.append("For comparison, one held-out real clip per class (top to bottom in class order), and the untrained network's videos for the same ")
            .append(cfg.captions() ? "captions" : "labels").append(" and noise:\n\n");
        s.append("![real clips](samples/data.png)\n\n![untrained network](samples/untrained.png)\n\n");

        s.append(captionSection);
        int w = window(r.losses());
        s.append("## Training loss\n\n![loss](loss.png)\n\n");
        s.append(String.format(Locale.ROOT, "Mean loss (MSE of the network output against its target) of the first %d steps %.4f, of the last %d steps %.4f.%n%n",
            w, mean(r.losses(), 0, w), w, mean(r.losses(), r.losses().size() - w, r.losses().size())));

        s.append("## Sample quality\n\n");
        s.append(String.format(Locale.ROOT, "`%s` (lower is better): the Fréchet distance between Gaussians fitted to %d hand-made features of each clip "
            + "(colour means, contrast and histograms; spatial gradient and frame-difference energies; size, speed, speed variation and straightness of the "
            + "moving foreground, see `ClipFeatures`), standardised by %d held-out real clips. Each row uses %d clips.%n%n",
            SampleQuality.METRIC, ClipFeatures.DIM, cfg.referenceClips(), Math.max(1, d.classes()) * cfg.evalPerClass()));
        s.append("| clips | distance |\n|---|---:|\n");
        s.append(String.format(Locale.ROOT, "| trained network (EMA) | %.3f |%n", r.trained()));
        s.append(String.format(Locale.ROOT, "| untrained network | %.3f |%n", r.untrained()));
        s.append(String.format(Locale.ROOT, "| held-out real clips (noise floor) | %.3f |%n%n", r.data()));
        if (r.backgrounds() != null) s.append(backgroundTable(r.backgrounds()));
        if (r.objects() != null) s.append(objectTable(r.objects()));

        s.append("## Time\n\n| phase | seconds |\n|---|---:|\n");
        s.append(String.format(Locale.ROOT, "| held-out data and metric setup | %.1f |%n| untrained sampling | %.1f |%n| training | %.1f |%n"
            + "| trained sampling | %.1f |%n| writing files | %.1f |%n| **total** | **%.1f** |%n%n",
            t.data(), t.untrainedSampling(), t.training(), t.trainedSampling(), t.writing(), t.total()));

        s.append("## Design choices\n\n");
        s.append("- **Pixel space.** The clips are " + d.height() + "x" + d.width() + " RGB: small enough to diffuse directly, so there is no autoencoder to train first and "
            + "what is generated is what is shown and measured. (Folding 2x2 pixel blocks into channels, `--patch 2`, makes each step 2.4x "
            + "cheaper but learned about 3x slower per step in our runs.)\n");
        s.append("- **v-prediction.** `vdiff train` defaults to epsilon-prediction (VideoCrafter2's choice). With only minutes of training, an "
            + "epsilon network's noise estimate at the noisiest steps is not precise enough: the clean-video estimate (z_t - s_t eps)/a_t "
            + "magnifies its error 1/a_t (15x at t = 999), and sampling starts there. Predicting v = a_t eps - s_t x0 weights those steps up "
            + "and carries the input through (eps = a_t v + s_t z_t); in our runs its clean-video error at t = 999 after 300 steps was 0.11 "
            + "(mean square) against 1.8 for epsilon after 600.\n");
        if (run.noise().zeroTerminalSnr()) {
            s.append("- **Zero terminal SNR.** On the scaled-linear schedule of VideoCrafter2 the noisiest training input, t = 999, still holds "
                + "a_999 = 0.068 of the clip. Averaged over a whole clip that is far above the noise (the mean colour's signal-to-noise ratio is "
                + "0.0047 x 2048 pixels = 9.6), so the network learns to read the clip's mean colour from its input, and samples started from pure "
                + "noise get greyish, wrongly coloured backgrounds. Rescaling the schedule so that t = 999 is pure noise (Lin et al. 2024, "
                + "`--zero-terminal-snr`) makes the network produce the colours from the class; v-prediction (above) is what makes t = 999 "
                + "trainable and samplable. The DDIM grid already starts at t = 999 (Lin et al.'s \"trailing\" requirement). See docs/demo/RECIPE.md "
                + "for what each recipe change did.\n");
        }
        if (cfg.sampler().eta() > 0) {
            s.append(String.format(Locale.ROOT, "- **Stochastic DDIM (eta = %s).** Each DDIM step adds fresh noise of the DDPM posterior's size (Song et al. 2021, eq. 16) "
                + "instead of moving deterministically. On the same trained network (600 steps, zero terminal SNR) this lowered the metric from 273.5 "
                + "(eta = 0) to 174.8: a briefly trained network's errors are partly washed out by the fresh noise instead of accumulating "
                + "(docs/demo/RECIPE.md).%n", cfg.sampler().eta()));
        }
        s.append("- **One colour per class, plain backgrounds.** At " + d.height() + "x" + d.width() + " a shape is " + Math.round(d.height() * 5 / 16.0) + " to " + Math.round(d.height() * 8 / 16.0) + " pixels across; a class colour makes the requested "
            + "kind visible at a glance even while the outline is still soft. " + (cfg.captions() ? "The caption names both (\"a red square\")." : "The class is still the shape (`--classes 5`).") + "\n");
        s.append("- **Time budget.** Training stops after the configured steps or the time budget (`--max-train-minutes`), whichever comes "
            + "first, so the demo (six minutes of training) ends in about eight minutes on a slow machine too; the report says when the budget cut training short. "
            + "Everything else is deterministic: same seed, same machine speed, same bits.\n\n");
        s.append("## Files\n\n");
        s.append("- `run/`: the training run (`run.json`, `checkpoints/step-*/` with model, EMA, optimizer and RNG state); "
            + "more videos: `./vdiff sample --run run --out more-samples`, more training: `./vdiff train --resume run --steps N`\n");
        s.append("- `samples/`: GIF, MP4 and PNG per class; `untrained.*` and `data.*` for comparison\n");
        s.append("- `loss.png`, `metrics.json` (the numbers above)\n");
        return s.toString();
    }

    private static String objective(RunSpec run) {
        switch (run.objective()) {
            case EPSILON: return "epsilon-prediction DDPM";
            case V: return "v-prediction DDPM (loss on v = a_t eps - s_t x0)";
            default: return "rectified flow";
        }
    }

    private static int window(List<Double> l) {
        return Math.max(1, Math.min(50, l.size() / 5));
    }

    private static double mean(List<Double> l, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += l.get(i);
        return to > from ? s / (to - from) : Double.NaN;
    }

    private static String minutes(double seconds) {
        return seconds < 90 ? String.format(Locale.ROOT, "%.0f seconds", seconds) : String.format(Locale.ROOT, "%.1f minutes", seconds / 60);
    }

    private static void text(Path file, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    /** Whether the asked-for objects are there ({@link ObjectPresence}), per object for the trained network, beside the real clips. */
    static String objectTable(Demo.Objects o) {
        StringBuilder s = new StringBuilder();
        s.append("Objects (`ObjectPresence`: in each frame, the largest connected blob of pixels that stand out from the background and have the "
            + "asked-for colour; the object is there when the blob has a plausible size for one of the data's shapes, and its shape is the one "
            + "whose template overlaps the blob best). The distance rewards an object that fades out, so this counts it.\n\n");
        s.append("| clips | frames with the object | clips with it in every frame | clips with it in none | shape right (of those frames) |\n|---|---:|---:|---:|---:|\n");
        List<ObjectPresence.Row> rows = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        rows.add(o.trained().all());
        names.add("trained network (EMA)");
        for (ObjectPresence.Row r : o.trained().perObject()) {
            rows.add(r);
            names.add("trained, " + r.what());
        }
        rows.add(o.untrained().all());
        names.add("untrained network");
        rows.add(o.data().all());
        names.add("held-out real clips");
        for (int i = 0; i < rows.size(); i++) {
            ObjectPresence.Row r = rows.get(i);
            s.append(String.format(Locale.ROOT, "| %s | %.0f%% | %d of %d | %d | %.0f%% |%n", names.get(i), 100 * r.presence(), r.everyFrame(), r.clips(), r.noFrame(),
                100 * r.shapeAccuracy()));
        }
        return s.append('\n').toString();
    }

    /** The backgrounds' statistics ({@link BackgroundStats}) of the evaluation clips beside the real clips'. */
    static String backgroundTable(Demo.Backgrounds b) {
        StringBuilder s = new StringBuilder();
        s.append("Backgrounds (`BackgroundStats`: each clip's background colour is the median of its border pixels, RGB in [0, 1]; the data's are flat, static, "
            + "one random colour per clip with every channel in [0.05, 0.5]): brightness and saturation (HSV) of that colour, its spread across clips "
            + "(standard deviation per channel), the share of clips whose colour lies in the data's range, roughness (median absolute deviation of the "
            + "border pixels: pixel noise) and drift (the colour's change per frame).\n\n");
        s.append("| clips | brightness | saturation | colour spread | in the data's range | roughness | drift per frame |\n|---|---:|---:|---:|---:|---:|---:|\n");
        String[] names = {"trained network (EMA)", "untrained network", "held-out real clips"};
        BackgroundStats.Summary[] rows = {b.trained(), b.untrained(), b.data()};
        for (int i = 0; i < rows.length; i++) {
            BackgroundStats.Summary x = rows[i];
            s.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.0f%% | %.4f | %.4f |%n", names[i], x.brightness(), x.saturation(), x.colorSpread(),
                100 * x.inDataRange(), x.roughness(), x.drift()));
        }
        return s.append('\n').toString();
    }
}
