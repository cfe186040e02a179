package dev.vdiff.reference.eval;

import dev.vdiff.tensor.UserError;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_video;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.FloatBuffer;

/**
 * Dense optical flow between two grey frames: Farnebäck's algorithm (G. Farnebäck, "Two-frame motion estimation
 * based on polynomial expansion", SCIA 2003) as implemented by OpenCV's {@code calcOpticalFlowFarneback}, through
 * JavaCV's bundled natives (linux-x86_64).
 *
 * <pre>{@code
 * float[] flow = DenseFlow.farneback(prev, next, 32, 32);   // [H, W, 2]: (dx, dy) in pixels, prev -> next
 * // next(x + dx, y + dy) ~ prev(x, y)
 * }</pre>
 *
 * <p>Parameters ({@link #parameters}) follow OpenCV's documentation example (pyramid scale 0.5, 3 iterations,
 * {@code poly_n = 5}, {@code poly_sigma = 1.2}), with the pyramid depth and window scaled to small frames: levels
 * while the coarsest side stays {@code >= 8} pixels (at most 3), window {@code min(H, W) / 4} rounded up to odd,
 * clamped to [5, 15].
 *
 * <p>OpenCV runs single-threaded here ({@code setNumThreads(1)}): callers parallelise over clips, and the result
 * cannot depend on OpenCV's own thread pool. Loading the natives takes a few seconds the first time in a JVM.
 */
public final class DenseFlow {
    private static volatile boolean ready;

    private DenseFlow() {}

    /** The Farnebäck parameters used for frames of size {@code h x w}. */
    public record Parameters(double pyrScale, int levels, int winSize, int iterations, int polyN, double polySigma) {}

    public static Parameters parameters(int h, int w) {
        int side = Math.min(h, w);
        int levels = 0;
        while (levels < 3 && side / (1 << (levels + 1)) >= 8) levels++;
        int win = Math.max(5, Math.min(15, (side / 4) | 1));
        return new Parameters(0.5, levels + 1, win, 3, 5, 1.2);   // OpenCV counts the full-size level too
    }

    /** Loads the OpenCV natives once; a {@link UserError} saying what is missing if they cannot be loaded. */
    public static void init() {
        if (ready) return;
        synchronized (DenseFlow.class) {
            if (ready) return;
            try {
                Loader.load(opencv_video.class);
                opencv_core.setNumThreads(1);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                throw new UserError("cannot load OpenCV (org.bytedeco:opencv natives for " + Loader.getPlatform()
                    + ", needed for optical flow): " + e.getMessage(), e);
            }
            ready = true;
        }
    }

    /**
     * The flow from {@code prev} to {@code next} ({@code [H*W]} luma in [0, 1] each) as {@code [H, W, 2]}:
     * {@code (dx, dy)} of pixel {@code (x, y)}, in pixels.
     */
    public static float[] farneback(float[] prev, float[] next, int h, int w) {
        if (prev.length != h * w || next.length != h * w) {
            throw new IllegalArgumentException("DenseFlow: frames must have " + h + "x" + w + " pixels, got " + prev.length + " and " + next.length);
        }
        init();
        Parameters p = parameters(h, w);
        try (Mat a = grey(prev, h, w); Mat b = grey(next, h, w); Mat flow = new Mat()) {
            opencv_video.calcOpticalFlowFarneback(a, b, flow, p.pyrScale(), p.levels(), p.winSize(), p.iterations(), p.polyN(), p.polySigma(), 0);
            float[] out = new float[h * w * 2];
            FloatBuffer fb = flow.createBuffer();
            fb.get(out);
            return out;
        }
    }

    /** A CV_32FC1 image of {@code v} scaled to 0..255 (8-bit grey levels, the scale OpenCV's defaults assume). */
    private static Mat grey(float[] v, int h, int w) {
        Mat m = new Mat(h, w, opencv_core.CV_32FC1);
        FloatBuffer buf = m.createBuffer();
        for (int i = 0; i < v.length; i++) buf.put(i, 255f * v[i]);
        return m;
    }
}
