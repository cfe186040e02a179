package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.mcm.McmStudent;
import dev.vdiff.reference.train.CaptionSpec;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Conditioning;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SampleWriter;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.train.VideoSampler;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.random.Rng;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vdiff sample}: generates class-conditioned videos from a training run's checkpoint with DDIM and
 * classifier-free guidance, LCM multistep or flow-matching Euler, and writes per class a GIF, an MP4 and a PNG
 * frame grid, plus {@code samples.safetensors} with the raw videos and labels. Distilled students: a T2V-Turbo student
 * is a training run with its own network ({@link TrainingMethod#network}); an MCM student folder ({@code mcm.json},
 * {@link McmStudent}) is sampled with its adapters merged into the teacher, LCM multistep with MCM's boundary.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Generates class-conditioned videos from a trained run (DDIM+CFG, LCM multistep or flow-matching Euler); "
        + "writes a GIF, an MP4 and a PNG grid per class.")
public final class SampleCommand implements CliCommand {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a run folder made by vdiff train (or vdiff demo: DIR/run), or a student made by vdiff distill (--sampler lcm)")
    Path run;
    @Option(names = "--checkpoint", paramLabel = "STEP", description = "the checkpoint's step (default: the newest)")
    Long checkpoint;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write the videos: a new or empty folder, or one an earlier vdiff sample wrote (its files are replaced; files it did not write are refused before sampling)")
    Path out;
    @Option(names = "--sampler", defaultValue = "ddim", description = "ddim, lcm (epsilon models) or flow (flow-matching models) (default: ${DEFAULT-VALUE})")
    String sampler;
    @Option(names = "--steps", defaultValue = "25", description = "sampling steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--guidance", defaultValue = "3.0", description = "classifier-free guidance scale, 1 = none (default: ${DEFAULT-VALUE})")
    double guidance;
    @Option(names = "--guidance-rescale", defaultValue = "0", paramLabel = "PHI", description = "ddim/lcm: rescale the guided output to the conditional output's standard deviation, "
        + "mixed with weight PHI (Lin et al. 2024, §3.4; they use 0.7 with zero-terminal-SNR models); 0 = off (default: ${DEFAULT-VALUE})")
    double guidanceRescale;
    @Option(names = "--eta", defaultValue = "0.0", description = "DDIM stochasticity (default: ${DEFAULT-VALUE})")
    double eta;
    @Option(names = "--labels", defaultValue = "all", split = ",", description = "class labels to generate, or 'all' (default: ${DEFAULT-VALUE})")
    List<String> labels;
    @Option(names = "--caption", paramLabel = "TEXT", description = "a run trained on captions: generate for this caption (repeat for several), e.g. --caption \"a red square moving left on a plain background\"")
    List<String> captions;
    @Option(names = "--per-label", defaultValue = "4", description = "videos per label or caption (default: ${DEFAULT-VALUE})")
    int perLabel;
    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--weights", defaultValue = "ema", description = "ema (averaged) or trained weights (default: ${DEFAULT-VALUE})")
    String weights;
    @Option(names = "--scale", defaultValue = "4", description = "enlarge pixels this many times in the GIF/MP4/PNG (default: ${DEFAULT-VALUE})")
    int scale;
    @Option(names = "--fps", defaultValue = "6", description = "frames per second of the GIF/MP4 (default: ${DEFAULT-VALUE})")
    double fps;
    @Option(names = "--pyramid", hidden = true, description = "kept for old scripts: a run trained with --pyramid is always sampled stage by stage "
        + "(SPEC §5.5); with --pyramid a vanilla run is an error and a pyramid run prints that the flag is not needed")
    boolean pyramid;
    @Option(names = "--omega", description = "distilled T2V-Turbo students only: the guidance scale fed to the student, LCM convention (default: the run's, 7.5)")
    Double omega;
    @Option(names = "--motion-strength", description = "distilled T2V-Turbo students only: the motion strength lambda fed in the noisiest steps (default: the run's, 0.05)")
    Double motionStrength;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--backend", defaultValue = "jvm", paramLabel = "jvm|tornado", description = BackendOption.DESCRIPTION)
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        Device device = BackendOption.device(backend);
        if (perLabel < 1) throw new UserError("--per-label must be >= 1, got " + perLabel);
        if (scale < 1 || scale > 64) throw new UserError("--scale must be in 1..64, got " + scale);
        if (!(fps > 0 && fps <= 100)) throw new UserError("--fps must be in (0, 100], got " + fps);
        if (!weights.equals("ema") && !weights.equals("trained")) throw new UserError("--weights must be ema or trained, got " + weights);
        SamplerSettings settings;
        try {
            SamplerSettings.Kind kind = SamplerSettings.Kind.parse(sampler);
            if (eta != 0 && kind != SamplerSettings.Kind.DDIM) throw new UserError("--eta applies to --sampler ddim only, not " + kind.cliName());
            settings = new SamplerSettings(kind, steps, guidance, eta, 1.0, 50, 1.0, guidanceRescale);
        } catch (IllegalArgumentException e) {
            throw new UserError("--sampler/--steps/--guidance/--eta: " + e.getMessage());
        }
        OutputCheck.folder(out, "--out", OutputFolder.MARKER, "vdiff sample");   // early: a folder vdiff sample did not write is refused before the run loads
        if (McmStudent.isRun(run)) return sampleMcm(settings);
        RunSpec runSpec = UserInput.check(null, () -> RunSpec.read(run));
        Path ckpt = checkpointDir();
        Map<String, Tensor> w = weights.equals("ema") ? Checkpoints.emaWeights(ckpt) : Checkpoints.modelWeights(ckpt);
        Denoiser model = methodNetwork(runSpec);
        if (model != null) {
            // A distilled student: one call per step with its inputs, no classifier-free second pass (SPEC §3.4b).
            if (spec.commandLine().getParseResult().hasMatchedOption("--guidance") && guidance != 1) throw new UserError("--guidance: " + run + " is a distilled student; give its guidance as --omega (it runs no CFG pass)");
            if (settings.kind() != SamplerSettings.Kind.LCM) throw new UserError("--sampler: " + run + " is a distilled student; sample it with --sampler lcm");
            if (guidanceRescale != 0) throw new UserError("--guidance-rescale: " + run + " is a distilled student (it runs no CFG pass)");
            settings = new SamplerSettings(settings.kind(), steps, 1.0, eta, 1.0, 50, 1.0);
        } else {
            if (omega != null || motionStrength != null) throw new UserError("--omega/--motion-strength: " + run + " is not a distilled student (vdiff distill)");
            model = Models.build(runSpec, DType.FLOAT32, Rng.seed(0));
        }
        Denoiser loaded = Models.moveTo(model, device);
        UserInput.check(ckpt.toString(), () -> {
            loaded.module().loadStateDict(w);
            return null;
        });
        VideoSampler custom = UserInput.check(null, () -> customSampler(runSpec));
        if (pyramid && PyramidJson.of(runSpec) == null) throw new UserError("--pyramid: " + run + " was not trained as a temporal pyramid (vdiff train --pyramid)");
        if (pyramid) spec.commandLine().getErr().println("vdiff sample: --pyramid is not needed: a run trained with --pyramid is always sampled stage by stage");
        return generateAndWrite(runSpec, loaded, settings, custom, ckpt + " (" + weights + " weights)", ckpt.toString());
    }

    /**
     * An MCM student ({@code vdiff distill --method mcm}, {@link McmStudent}): LoRA merged into the teacher's weights,
     * LCM multistep with MCM's boundary (S = 4), no CFG pass, the class labels it was trained on.
     */
    private int sampleMcm(SamplerSettings settings) throws IOException {
        var parsed = spec.commandLine().getParseResult();
        List<String> refused = new ArrayList<>();
        for (String o : List.of("--weights", "--omega", "--motion-strength", "--pyramid", "--eta")) if (parsed.hasMatchedOption(o)) refused.add(o);
        if (parsed.hasMatchedOption("--guidance") && guidance != 1) refused.add("--guidance");
        if (!refused.isEmpty()) {
            throw new UserError(String.join(", ", refused) + " do not apply to " + run + ": an MCM student (vdiff distill --method mcm) is its trained adapters merged into the teacher, "
                + "sampled by LCM with the guidance distilled into it (no CFG pass)");
        }
        if (settings.kind() != SamplerSettings.Kind.LCM) throw new UserError("--sampler: " + run + " is an MCM student; sample it with --sampler lcm --steps 1|2|4|8");
        if (captions != null) throw new UserError("--caption: " + run + " is an MCM student conditioned on class labels; use --labels");
        McmStudent student = UserInput.check(null, () -> McmStudent.load(run, checkpoint));
        SamplerSettings lcm = new SamplerSettings(SamplerSettings.Kind.LCM, steps, 1.0, 0, 1.0, student.settings().config().mcd().gridPoints(), 1.0);
        return generateAndWrite(student.runSpec(), student.denoiser(), lcm, student.sampler(), student.checkpoint() + " (step " + student.step() + ")",
            student.checkpoint().toString());
    }

    /** Generates the videos and writes per label or caption a GIF, an MP4 and a PNG grid, and {@code samples.safetensors}. */
    private int generateAndWrite(RunSpec runSpec, Denoiser loaded, SamplerSettings settings, VideoSampler custom, String from, String checkpointName) throws IOException {
        CaptionSpec captioned = CaptionSpec.of(runSpec);
        if (captioned == null && captions != null) throw new UserError("--caption: " + run + " was not trained on captions (" + Conditioning.of(runSpec).describe() + ")");
        if (captioned != null && captions == null) throw new UserError(run + " was trained on captions: give --caption TEXT (repeatable)");
        if (captioned != null && spec.commandLine().getParseResult().hasMatchedOption("--labels")) throw new UserError("--labels: " + run + " is conditioned on captions; use --caption TEXT");
        List<String> prompts = captioned == null ? null : promptList(captioned);
        long[] ys = captioned == null ? labelList(runSpec.model().classes()) : new long[prompts.size()];

        SamplerSettings chosen = settings;
        VideoGenerator gen = UserInput.check(null, () -> new VideoGenerator(loaded, runSpec.objective(), runSpec.schedule(), chosen, 8, custom));
        var d = runSpec.data();
        // The files this call writes, claimed before sampling (OutputFolder: an earlier vdiff sample's files are replaced, a user's are refused).
        List<String> names = new ArrayList<>(), owned = new ArrayList<>(List.of("samples.safetensors"));
        for (int i = 0; i < ys.length; i += perLabel) names.add(prompts == null ? d.className((int) ys[i]).replace(' ', '-') : slug(prompts.get(i), i / perLabel));
        for (String n : names) for (String ext : List.of(".gif", ".mp4", ".png")) owned.add(n + ext);
        OutputFolder folder = OutputFolder.claim(out, "vdiff sample", owned);
        PrintWriter log = spec.commandLine().getErr();
        log.printf(Locale.ROOT, "vdiff sample: %d videos from %s, %s%s%n", ys.length, from, settings.describe(),
            custom == null ? "" : ", " + custom.describe());
        log.flush();
        long t0 = System.nanoTime();
        java.util.function.IntConsumer progress = k -> {
            log.printf(Locale.ROOT, "  %d/%d videos (%.0f s)%n", k, ys.length, (System.nanoTime() - t0) * 1e-9);
            log.flush();
        };
        List<Tensor> videos = prompts == null ? gen.generate(ys, d.frames(), 3, d.height(), d.width(), Rng.seed(seed), progress)
            : gen.generateCaptioned(prompts, d.frames(), 3, d.height(), d.width(), Rng.seed(seed), progress);
        PrintWriter o = spec.commandLine().getOut();
        for (int i = 0; i < ys.length; i += perLabel) {
            String name = names.get(i / perLabel);
            List<Path> files = SampleWriter.write(out, name, videos.subList(i, i + perLabel), scale, fps);
            o.println(files.get(0) + "  " + files.get(1) + "  " + files.get(2));
        }
        Map<String, Tensor> raw = new LinkedHashMap<>();
        raw.put("videos", dev.vdiff.tensor.ops.Concat.cat(0, videos.stream().map(v -> v.unsqueeze(0)).toArray(Tensor[]::new)));
        if (prompts == null) raw.put("labels", Tensor.ofLongs(ys, ys.length));
        else raw.put("captions", captioned.tokenizer().encodeBatch(prompts));
        Safetensors.write(out.resolve("samples.safetensors"), raw, Map.of("sampler", settings.describe(), "checkpoint", checkpointName));
        folder.finish();
        o.println(out.resolve("samples.safetensors"));
        o.flush();
        return 0;
    }

    /** The network of the run's training method when it has its own (a distilled student), else null. */
    private Denoiser methodNetwork(RunSpec runSpec) {
        Map<String, Double> inputs = new LinkedHashMap<>();
        if (omega != null) inputs.put("omega", omega);
        if (motionStrength != null) inputs.put("motion_strength", motionStrength);
        for (TrainingMethod m : Catalog.trainingMethods(null)) {
            Denoiser d = m.network(runSpec, inputs);
            if (d != null) return d;
        }
        return null;
    }

    /** The sampling loop of the run's training method, if it has its own (TPDiff's pyramid); null for the standard samplers. */
    private VideoSampler customSampler(RunSpec runSpec) {
        VideoSampler found = null;
        for (TrainingMethod m : Catalog.trainingMethods(null)) {
            VideoSampler v = m.sampler(runSpec);
            if (v == null) continue;
            if (found != null) throw new UserError(run + ": two training methods each need their own sampler");
            found = v;
        }
        return found;
    }

    private Path checkpointDir() throws IOException {
        Checkpoints ck = new Checkpoints(RunSpec.checkpointsDir(run), 1);
        if (checkpoint == null) return ck.latest().orElseThrow(() -> new UserError("no checkpoint in " + ck.dir() + " (train first)"));
        Path p = ck.dir().resolve(Checkpoints.name(checkpoint));
        if (!Files.isDirectory(p)) {
            List<String> have = new ArrayList<>();
            for (Path c : ck.list()) have.add(c.getFileName().toString());
            throw new UserError("--checkpoint " + checkpoint + ": no " + p + " (have: " + (have.isEmpty() ? "none" : String.join(", ", have)) + ")");
        }
        return p;
    }

    /** Each --caption {@code perLabel} times; words the run never saw are named (they encode as unknown). */
    private List<String> promptList(CaptionSpec c) {
        List<String> out = new ArrayList<>();
        for (String p : captions) {
            List<String> unknown = c.tokenizer().unknownWords(p);
            if (!unknown.isEmpty()) spec.commandLine().getErr().println("vdiff sample: warning: --caption \"" + p + "\": " + String.join(", ", unknown) + " not in the run's vocabulary (encoded as unknown)");
            if (c.tokenizer().truncates(p)) spec.commandLine().getErr().println("vdiff sample: warning: --caption \"" + p + "\" is longer than the " + (c.tokenizer().maxLength() - 1) + " words the run's captions have; the rest is dropped");
            for (int i = 0; i < perLabel; i++) out.add(p);
        }
        return out;
    }

    /** A file name for a caption: {@code 01-a-red-square-moving-left} (its words, at most 60 characters, numbered). */
    private static String slug(String caption, int index) {
        String words = String.join("-", dev.vdiff.diffusion.text.CaptionTokenizer.words(caption));
        if (words.length() > 60) words = words.substring(0, 60);
        return String.format(Locale.ROOT, "%02d-%s", index + 1, words.isEmpty() ? "unconditional" : words);
    }

    private long[] labelList(int classes) {
        List<Long> chosen = new ArrayList<>();
        if (labels.size() == 1 && labels.get(0).equals("all")) {
            if (classes == 0) chosen.add(0L);   // unconditional: the null label
            for (int c = 0; c < classes; c++) chosen.add((long) c);
        } else {
            for (String s : labels) {
                long y;
                try {
                    y = Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    throw new UserError("--labels: '" + s + "' is not a label number (or use 'all')");
                }
                if (y < 0 || y >= Math.max(1, classes)) throw new UserError("--labels: " + y + " is outside 0.." + (Math.max(1, classes) - 1));
                chosen.add(y);
            }
        }
        long[] ys = new long[chosen.size() * perLabel];
        for (int i = 0; i < ys.length; i++) ys[i] = chosen.get(i / perLabel);
        return ys;
    }
}
