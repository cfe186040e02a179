package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.reference.eval.DenseFlow;
import dev.vdiff.reference.tqd.score.ScoreTable;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.io.AtomicWrite;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The normalised quality scores {@code (m_i, v_i)} of every clip of a training set, by data-set index
 * {@code i = 0 .. n-1} (SPEC §2.1): what TQD's timestep sampler and quality dropout read through
 * {@code batch.indices()}.
 *
 * <p>Clips are named as in {@code vdiff score}'s CSV: a folder's videos by their path relative to the folder,
 * synthetic clips {@code synthetic/<index>}. A run keeps its scores as {@code RUN/scores.csv} ({@code path,mq,vq},
 * every number printed so it reads back to the same double), so a resumed run trains with the same bits.
 */
public record ClipScores(double[] mq, double[] vq) {
    public ClipScores {
        if (mq.length != vq.length) throw new IllegalArgumentException("ClipScores: " + mq.length + " motion scores but " + vq.length + " visual scores");
        if (mq.length == 0) throw new IllegalArgumentException("ClipScores: no clips");
        for (int i = 0; i < mq.length; i++) {
            if (!(mq[i] >= 0 && mq[i] <= 1 && vq[i] >= 0 && vq[i] <= 1)) {
                throw new IllegalArgumentException("ClipScores: clip " + i + " has scores (" + mq[i] + ", " + vq[i] + "), expected normalised scores in [0, 1]");
            }
        }
    }

    public int size() {
        return mq.length;
    }

    /** The scores of the given data-set indices, as {@code {m[], v[]}}. */
    public double[][] of(long[] indices) {
        double[] m = new double[indices.length], v = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            long k = indices[i];
            if (k < 0 || k >= mq.length) throw new IndexOutOfBoundsException("ClipScores: clip " + k + " has no scores (the table covers clips 0.." + (mq.length - 1) + ")");
            m[i] = mq[(int) k];
            v[i] = vq[(int) k];
        }
        return new double[][] {m, v};
    }

    /** The names of clips {@code 0 .. n-1} of {@code data} as they appear in a scores CSV. */
    public static List<String> names(VideoDataset data, int n) {
        List<String> out = new ArrayList<>(n);
        if (data instanceof VideoFolder f) {
            List<Path> files = f.files();
            for (int i = 0; i < n; i++) out.add(dev.vdiff.reference.data.FolderPaths.relative(f.dir(), files.get(i)));
        } else {
            for (int i = 0; i < n; i++) out.add("synthetic/" + i);
        }
        return out;
    }

    /**
     * Scores clips {@code 0 .. n-1} with our MQ and VQ scorers ({@link ClipQuality}) and normalises each over them
     * (SPEC §2.1); {@code progress} hears the count of clips done (from several threads).
     */
    public static ClipScores score(VideoDataset data, int n, ScoreNormalization normalization, IntConsumer progress) {
        if (data.frames() < 3) throw new IllegalArgumentException("scoring motion quality needs clips of at least 3 frames, got " + data.frames());
        DenseFlow.init();
        double[] mRaw = new double[n], vRaw = new double[n];
        AtomicInteger done = new AtomicInteger();
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                ClipQuality q = ClipQuality.of(data.clip(i).video());
                mRaw[i] = q.mqRaw();
                vRaw[i] = q.vqRaw();
                if (progress != null) progress.accept(done.incrementAndGet());
            }
        });
        return new ClipScores(normalization.fit(mRaw).apply(mRaw), normalization.fit(vRaw).apply(vRaw));
    }

    /**
     * Reads a scores CSV ({@code vdiff score}'s format, {@link ScoreTable#read}: normalised {@code mq,vq} used as
     * they are, or {@code mq_raw,vq_raw} normalised over the file) and picks the rows of {@code names} in order.
     */
    public static ClipScores read(Path csv, List<String> names, ScoreNormalization normalization) {
        double[][] mv = ScoreTable.align(ScoreTable.read(csv, normalization), names, csv.toString());
        return new ClipScores(mv[0], mv[1]);
    }

    /** Writes {@code path,mq,vq} (atomically), numbers in Java's shortest exact form ({@link Double#toString}). */
    public void write(Path csv, List<String> names) throws IOException {
        if (names.size() != mq.length) throw new IllegalArgumentException("ClipScores: " + names.size() + " names for " + mq.length + " clips");
        AtomicWrite.writeFile(csv, temp -> {
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                w.write("path,mq,vq\n");
                for (int i = 0; i < mq.length; i++) {
                    String p = names.get(i);
                    if (p.indexOf(',') >= 0 || p.indexOf('"') >= 0) p = "\"" + p.replace("\"", "\"\"") + "\"";
                    w.write(p + "," + mq[i] + "," + vq[i] + "\n");
                }
            }
        });
    }
}
