package dev.vdiff.reference.train;

import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.tensor.UserError;

import java.util.Locale;

/**
 * What a run is conditioned on, decided from its data before anything is written, and said in the run's first
 * lines: captions (a text encoder and cross-attention, {@link CaptionSpec}), class labels, or nothing.
 *
 * <p>Requested with {@code --condition auto|captions|labels|none} and {@code --classes N}:
 * <ul>
 *   <li>{@code none}, or {@code --classes 0}: unconditional (whatever captions or labels the data has are not used);</li>
 *   <li>{@code captions}: the clips' captions; the data must have some (a folder: the caption column of its CSV;
 *       synthetic: {@code ClipSpec.caption()}, e.g. "a red square moving left on a plain background");</li>
 *   <li>{@code labels}: class labels {@code 0..N-1}; a folder's labels are its CSV's third column, N defaults to
 *       the largest label + 1 and a label {@code >= N} is an error naming the CSV; synthetic N defaults to 5;</li>
 *   <li>{@code auto} (default): {@code --classes N} given: labels; synthetic: labels (5 shapes); a folder: captions
 *       if its CSV has any, else labels if it has any, else unconditional.</li>
 * </ul>
 *
 * @param kind    what conditions the network
 * @param classes class labels ({@code kind == LABELS}), else 0
 * @param source  where the captions or labels come from, for the report line
 */
public record Conditioning(Kind kind, int classes, String source) {
    /** What conditions the network. */
    public enum Kind { CAPTIONS, LABELS, NONE }

    /** Synthetic data's default number of classes: the five shapes. */
    public static final int SYNTHETIC_CLASSES = 5;

    /**
     * The decision for clips {@code 0 .. n-1} of {@code data} (opened from {@code spec}); {@code requested} is
     * auto, captions, labels or none; {@code classes} is {@code --classes} (null when not given).
     */
    public static Conditioning decide(String requested, Integer classes, DataSpec spec, VideoDataset data, long n) {
        String r = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (!r.equals("auto") && !r.equals("captions") && !r.equals("labels") && !r.equals("none")) {
            throw new UserError("--condition must be auto, captions, labels or none, got " + requested);
        }
        if (classes != null && classes < 0) throw new UserError("--classes must be >= 0 (0 = unconditional), got " + classes);
        if (classes != null && classes > 0 && (r.equals("captions") || r.equals("none"))) {
            throw new UserError("--classes " + classes + " is for label conditioning; it cannot be combined with --condition " + r);
        }
        if (r.equals("none") || (classes != null && classes == 0)) return new Conditioning(Kind.NONE, 0, "");
        if (spec.isSynthetic()) {
            if (r.equals("captions")) return new Conditioning(Kind.CAPTIONS, 0, "synthetic captions");
            return new Conditioning(Kind.LABELS, classes == null ? SYNTHETIC_CLASSES : classes, "synthetic labels (" + (classes != null && classes > SYNTHETIC_CLASSES ? "shape x colour" : "shape") + ")");
        }
        // A folder: look at its CSV's captions and labels.
        String csv = data instanceof VideoFolder f && f.captionsFile() != null ? f.captionsFile().toString() : null;
        int captioned = 0, labelled = 0, maxLabel = -1;
        long maxLabelAt = -1;
        for (long i = 0; i < n; i++) {
            if (!data.caption(i).isBlank()) captioned++;
            int y = data.label(i);
            if (y >= 0) labelled++;
            if (y > maxLabel) {
                maxLabel = y;
                maxLabelAt = i;
            }
        }
        String where = csv == null ? spec.source() + " (no captions.csv)" : csv;
        boolean labels = r.equals("labels") || (r.equals("auto") && (classes != null || captioned == 0));
        if (!labels) {
            if (captioned == 0) throw new UserError("--condition captions: no clip of " + spec.source() + " has a caption in " + where);
            return new Conditioning(Kind.CAPTIONS, 0, captioned + " of " + n + " clips captioned in " + csv);
        }
        if (labelled == 0) {
            if (r.equals("auto") && classes == null) return new Conditioning(Kind.NONE, 0, "no captions or labels in " + where);
            throw new UserError((classes != null ? "--classes " + classes : "--condition labels") + ": no clip of " + spec.source() + " has a label (third column of " + where + ")");
        }
        int k = classes == null ? maxLabel + 1 : classes;
        if (maxLabel >= k) {
            throw new UserError("--classes " + k + ": clip " + maxLabelAt + " of " + spec.source() + " has label " + maxLabel + " in " + where + "; give --classes " + (maxLabel + 1) + " or more, or --classes 0 for no labels");
        }
        return new Conditioning(Kind.LABELS, k, labelled + " of " + n + " clips labelled in " + csv);
    }

    /** What a saved run is conditioned on. */
    public static Conditioning of(RunSpec run) {
        if (CaptionSpec.of(run) != null) return new Conditioning(Kind.CAPTIONS, 0, run.data().isSynthetic() ? "synthetic captions" : "captions of " + run.data().source());
        if (run.model().classes() > 0) return new Conditioning(Kind.LABELS, run.model().classes(), run.data().isSynthetic() ? "synthetic labels" : "labels of " + run.data().source());
        return new Conditioning(Kind.NONE, 0, "");
    }

    /** The report line, e.g. {@code conditioning: captions (120 of 120 clips captioned in v/captions.csv); guidance with the empty caption}. */
    public String describe() {
        return switch (kind) {
            case CAPTIONS -> "conditioning: captions (" + source + "); text encoder + cross-attention, classifier-free guidance with the empty caption";
            case LABELS -> "conditioning: " + classes + " class labels (" + source + "); classifier-free guidance with the null label " + classes;
            case NONE -> "conditioning: none, unconditional" + (source.isEmpty() ? "" : " (" + source + ")");
        };
    }
}
