package dev.vdiff.reference.mcm;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The high-quality image set of the discriminator (SPEC §4.4, "real samples from a high-quality image batch"):
 * the frames of {@code n} clean clips rendered once, grouped by class so that a clip's real images share its label
 * (the released {@code disc_same_caption} spirit with class labels).
 */
public final class ImagePool {
    private final List<List<Tensor>> byClass = new ArrayList<>();   // class -> clean clips [F, 3, H, W]
    private final List<Tensor> all;

    /** The frames of clips {@code first .. first + n - 1} of {@code clean} (labels {@code 0 .. classes - 1}; every class must occur). */
    public ImagePool(VideoDataset clean, long first, int n, int classes) {
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        List<Tensor> videos = clean.videos(first, n);
        for (int i = 0; i < n; i++) {
            Clip c = clean.clip(first + i);
            if (c.label() < 0 || c.label() >= classes) throw new IllegalArgumentException("image pool: clip " + (first + i) + " has label " + c.label() + ", outside 0.." + (classes - 1));
            byClass.get(c.label()).add(videos.get(i));
        }
        for (int c = 0; c < classes; c++) if (byClass.get(c).isEmpty()) throw new IllegalArgumentException("image pool: no image of class " + c + " among the " + n + " clips");
        all = videos;
    }

    /** One image {@code [1, 3, H, W]} of class {@code label}: a random frame of a random clean clip of that class. */
    public Tensor draw(int label, Rng rng) {
        List<Tensor> clips = byClass.get(label);
        Tensor v = clips.get(rng.nextInt(clips.size()));
        int f = rng.nextInt(v.shape(0));
        return v.narrow(0, f, 1);                                            // [1, 3, H, W]
    }

    /** Every clean clip of the pool (their frames are the image set the frame statistics are compared with). */
    public List<Tensor> allFrames() {
        return all;
    }
}
