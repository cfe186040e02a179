package dev.vdiff.reference.mcm;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ImageFolder;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The high-quality image set of the discriminator (SPEC §4.4, "real samples from a high-quality image batch"):
 * the frames of {@code n} clean clips rendered once, grouped by class so that a clip's real images share its label
 * (the released {@code disc_same_caption} spirit with class labels); or the images of a folder ({@link #of}).
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

    private ImagePool(List<Tensor> all) {
        this.all = all;
    }

    /**
     * A folder's images ({@code vdiff distill --method mcm --images DIR}, {@link ImageFolder}), each a one-frame clip
     * {@code [1, 3, H, W]}: labelled images are drawn for their class (every class must occur); unlabelled ones
     * (label -1, a flat folder) serve every class. A folder is either labelled throughout or not at all.
     */
    public static ImagePool of(List<ImageFolder.Image> images, int classes) {
        List<Tensor> frames = new ArrayList<>();
        int labelled = 0;
        for (ImageFolder.Image im : images) {
            frames.add(im.pixels().unsqueeze(0));                            // [1, 3, H, W]
            if (im.label() >= 0) labelled++;
        }
        if (labelled != 0 && labelled != images.size()) {
            throw new IllegalArgumentException("image pool: " + labelled + " of " + images.size() + " images have a label; label all of them or none");
        }
        ImagePool pool = new ImagePool(frames);
        for (int c = 0; c < classes; c++) pool.byClass.add(new ArrayList<>());
        for (int i = 0; i < images.size(); i++) {
            int l = images.get(i).label();
            if (l >= classes) throw new IllegalArgumentException("image pool: " + images.get(i).file() + " has label " + l + ", outside 0.." + (classes - 1));
            if (l >= 0) pool.byClass.get(l).add(frames.get(i));
            else for (List<Tensor> b : pool.byClass) b.add(frames.get(i));
        }
        for (int c = 0; c < classes; c++) {
            if (pool.byClass.get(c).isEmpty()) throw new IllegalArgumentException("image pool: no image of class " + c + " among the " + images.size() + " images");
        }
        return pool;
    }

    /** One image {@code [1, 3, H, W]} of class {@code label}: a random frame of a random clean clip of that class. */
    public Tensor draw(int label, Rng rng) {
        List<Tensor> clips = byClass.get(label);
        Tensor v = clips.get(rng.nextInt(clips.size()));
        int f = rng.nextInt(v.shape(0));
        return v.narrow(0, f, 1);                                            // [1, 3, H, W]
    }

    /** Every clip of the pool, {@code [F, 3, H, W]} ({@code F = 1} for a folder's images): their frames are the image set. */
    public List<Tensor> allFrames() {
        return all;
    }
}
