package dev.vdiff.reference.turbo.reward;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reward model's file: the classifier's weights in safetensors, with metadata naming what it is
 * ({@code vdiff_reward = image | video}, {@code classes}, {@code width}, {@code frames} for the video model) so that
 * {@link #load} can rebuild it without being told. Written atomically by {@code vdiff reward train}.
 */
public final class RewardCheckpoint {
    /** Which reward: per-frame class (R_img, the HPSv2/CLIP stand-in) or per-clip class and motion (R_vid). */
    public enum Kind { IMAGE, VIDEO }

    /** A loaded reward model: what it is and the model itself ({@link FrameClassifier} or {@link ClipClassifier}). */
    public record Loaded(Kind kind, int classes, int frames, Module model) {
        /** The differentiable reward of {@link ClassifierRewards}. */
        public DifferentiableReward reward() {
            return kind == Kind.IMAGE ? ClassifierRewards.image((FrameClassifier) model) : ClassifierRewards.video((ClipClassifier) model);
        }
    }

    private RewardCheckpoint() {}

    /** Writes the image model to {@code file} (atomically). */
    public static void save(Path file, FrameClassifier model, int width) throws IOException {
        write(file, model, Map.of("vdiff_reward", "image", "classes", Integer.toString(model.classes()), "width", Integer.toString(width)));
    }

    /** Writes the video model to {@code file} (atomically). */
    public static void save(Path file, ClipClassifier model, int width) throws IOException {
        write(file, model, Map.of("vdiff_reward", "video", "classes", Integer.toString(model.classes()), "width", Integer.toString(width),
            "frames", Integer.toString(model.frames())));
    }

    private static void write(Path file, Module model, Map<String, String> meta) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put("format", "pt");
        Safetensors.write(file, model.stateDict(), m);   // atomic (AtomicWrite)
    }

    /** Reads a reward file in float32; a {@link UserError} naming the file when it is not one. */
    public static Loaded load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such reward file (make one with vdiff reward train)");
        Map<String, String> meta = Safetensors.metadata(file);
        String kind = meta.get("vdiff_reward");
        if (kind == null) throw new UserError(file + ": not a vdiff reward model (no vdiff_reward metadata)");
        int classes = number(file, meta, "classes"), width = number(file, meta, "width");
        Module model;
        Kind k;
        int frames = 1;
        switch (kind) {
            case "image":
                k = Kind.IMAGE;
                model = new FrameClassifier(classes, width, DType.FLOAT32, Rng.seed(0));
                break;
            case "video":
                k = Kind.VIDEO;
                frames = number(file, meta, "frames");
                model = new ClipClassifier(classes, frames, width, DType.FLOAT32, Rng.seed(0));
                break;
            default:
                throw new UserError(file + ": unknown reward kind '" + kind + "' (image or video)");
        }
        model.loadStateDict(Safetensors.read(file));
        return new Loaded(k, classes, frames, model);
    }

    private static int number(Path file, Map<String, String> meta, String key) {
        try {
            return Integer.parseInt(meta.get(key));
        } catch (NumberFormatException e) {
            throw new UserError(file + ": reward metadata '" + key + "' is " + meta.get(key) + ", not an integer");
        }
    }
}
