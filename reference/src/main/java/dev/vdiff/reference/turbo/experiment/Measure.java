package dev.vdiff.reference.turbo.experiment;

import dev.vdiff.reference.eval.FlowMotion;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.turbo.FrameDifferenceMotion;
import dev.vdiff.reference.turbo.NoiseFrames;
import dev.vdiff.reference.turbo.TrackMotion;
import dev.vdiff.reference.turbo.reward.ClassifierRewards;
import dev.vdiff.reference.turbo.reward.ClipClassifier;
import dev.vdiff.reference.turbo.reward.FrameClassifier;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One arm's measurements: generate the videos for the experiment's labels from the same starting noise, time
 * them, count the network's evaluations (one per sample per call; a CFG pass counts both branches), and score
 * them: the demo's quality distance, the mean image reward {@code log p(c | frame)} over all frames, the mean video
 * reward {@code log p(c | clip) + log p(moving | clip)} on strided frames, the optical-flow motion
 * ({@link FlowMotion}), the frame-difference motion and the video model's "moving" fraction, and two measures that
 * flicker does not inflate: the object-track motion ({@link TrackMotion}) and the fraction of noise frames
 * ({@link NoiseFrames}, threshold calibrated on the real reference clips).
 */
final class Measure {
    /** What one arm measured. */
    record Result(double quality, double secondsPerVideo, double callsPerVideo, double imageReward, double videoReward, double motion, double flowMotion, double movingFraction,
                  double[] flowPerVideo, double trackMotion, double[] trackPerVideo, double noiseFrames) {}

    private final SampleQuality quality;
    private final FrameClassifier image;
    private final ClipClassifier video;
    private final long[] labels;
    private final DataSpec data;
    private final double noiseThreshold;

    /** {@code noiseThreshold}: spatial energy above which a frame is a noise frame ({@link NoiseFrames#calibrate}). */
    Measure(SampleQuality quality, FrameClassifier image, ClipClassifier video, long[] labels, DataSpec data, double noiseThreshold) {
        this.noiseThreshold = noiseThreshold;
        this.quality = quality;
        this.image = image;
        this.video = video;
        this.labels = labels;
        this.data = data;
    }

    /** Generates with {@code net} (noise from {@code Rng.seed(seed + 1)}), stores the videos under {@code key}, measures. */
    Result generate(Denoiser net, RunSpec run, SamplerSettings settings, long seed, Map<String, List<Tensor>> store, String key) {
        AtomicLong evaluations = new AtomicLong();
        Denoiser counted = new Denoiser() {
            @Override
            public Module module() {
                return net.module();
            }

            @Override
            public Tensor forward(Tensor x, Tensor t, Tensor y) {
                evaluations.addAndGet(x.shape(0));
                return net.forward(x, t, y);
            }

            @Override
            public int numClasses() {
                return net.numClasses();
            }
        };
        VideoGenerator gen = new VideoGenerator(counted, run.objective(), run.schedule(), settings, 8);
        long t0 = System.nanoTime();
        List<Tensor> v = gen.generate(labels, data.frames(), 3, data.height(), data.width(), Rng.seed(seed + 1), null);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        store.put(key, v);
        return of(v, seconds / labels.length, (double) evaluations.get() / labels.length);
    }

    /** The scores of given videos ({@code [F, 3, H, W]} each, pixels in [-1, 1]). */
    Result of(List<Tensor> videos, double secondsPerVideo, double callsPerVideo) {
        try (var g = Autograd.noGrad()) {
            int n = videos.size(), f = videos.get(0).shape(0);
            Tensor clips = Concat.cat(0, videos.stream().map(x -> x.unsqueeze(0)).toArray(Tensor[]::new));   // [N, F, 3, H, W]
            Tensor unit = Arithmetic.mul(Arithmetic.add(clips, 1.0), 0.5);
            long[] frameLabels = new long[n * f];
            for (int i = 0; i < n * f; i++) frameLabels[i] = labels[i / f];
            int[] s = unit.shape();
            Tensor frames = unit.reshape(n * f, s[2], s[3], s[4]);                                             // [N F, 3, H, W]
            double img = mean(ClassifierRewards.image(image).reward(frames, Tensor.ofLongs(frameLabels, n * f)));
            int k = video.frames(), stride = f / k;
            Tensor[] picked = new Tensor[k];
            for (int j = 0; j < k; j++) picked[j] = unit.narrow(1, j * stride, 1);
            Tensor strided = Concat.cat(1, picked);                                                            // [N, F', 3, H, W]
            Tensor y = Tensor.ofLongs(labels.clone(), n);
            double vid = mean(ClassifierRewards.video(video).reward(strided, y));
            double[] motion = video.forward(strided).motion().contiguous().toDoubleArray();
            int moving = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < ClipClassifier.MOTION_LABELS; j++) if (motion[i * ClipClassifier.MOTION_LABELS + j] > motion[i * ClipClassifier.MOTION_LABELS + best]) best = j;
                if (best != ClipClassifier.STILL) moving++;
            }
            double fd = 0;
            for (double m : FrameDifferenceMotion.of(clips)) fd += m / n;
            double[] flows = FlowMotion.of(clips);
            double flow = 0;
            for (double m : flows) flow += m / n;
            double[] tracks = TrackMotion.of(clips, noiseThreshold);
            double track = 0;
            for (double m : tracks) track += m / n;
            return new Result(quality.distance(videos), secondsPerVideo, callsPerVideo, img, vid, fd, flow, (double) moving / n, flows, track, tracks,
                NoiseFrames.fraction(clips, noiseThreshold));
        }
    }

    private static double mean(Tensor t) {
        double s = 0;
        double[] v = t.toDoubleArray();
        for (double x : v) s += x;
        return s / v.length;
    }
}
