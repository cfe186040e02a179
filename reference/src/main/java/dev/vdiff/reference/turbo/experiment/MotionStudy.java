package dev.vdiff.reference.turbo.experiment;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.eval.FlowMotion;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.PatchedDenoiser;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.turbo.StudentNetwork;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboSettings;
import dev.vdiff.reference.turbo.NoiseFrames;
import dev.vdiff.reference.turbo.TrackMotion;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Does motion guidance do anything at this scale? Two measurements on the students of a finished
 * {@link TurboExperiment} run (its {@code students/} folder), beyond the one-seed comparison of its table:
 * <ol>
 *   <li><b>Size of the motion term in the solver.</b> For held-out clips noised to grid points in the guided part
 *       (n >= (1 - tau) N), the teacher's augmented DDIM step with and without the motion score:
 *       {@code ||z_prev(lambda) - z_prev(0)|| / ||z_prev(0) - z||}, the motion term's share of the solver's step.
 *       It is linear in lambda, so it is measured at lambda = 1 and reported per unit lambda and at the run's
 *       lambda. A share of 1e-3 means the distillation target barely differs with guidance on or off.</li>
 *   <li><b>Sampled motion over several noise seeds.</b> The motion-guided student ("full") against the one
 *       distilled without it ("mg_off"), and the full student sampled with its motion input lambda at the run's
 *       value against lambda = 0 (the student's emb(lambda) alone), LCM 4 steps, {@code seeds} x the run's videos,
 *       paired per video ({@link PairedDifference}; the same label and starting noise in both arms), by the
 *       optical-flow motion and by the object-track motion ({@link TrackMotion}, which flicker does not inflate).
 *       The spread is over sampling noise: each student was trained once.</li>
 * </ol>
 */
public final class MotionStudy {
    private MotionStudy() {}

    /**
     * Runs both measurements on {@code out/students/{full,mg_off}}; returns the section {@code motion_study} of the
     * metrics. {@code noiseThreshold}: the noise-frame threshold of the run ({@link NoiseFrames#calibrate}) for the
     * object-track motion.
     */
    public static Map<String, Object> run(Path out, long[] labels, int seeds, long seed, double noiseThreshold, PrintStream log) throws IOException {
        Path fullDir = out.resolve("students/full"), offDir = out.resolve("students/mg_off");
        RunSpec run = RunSpec.read(fullDir);
        TurboSettings s = TurboMethod.settings(run);
        Map<String, Object> m = new LinkedHashMap<>();
        log.println("motion study: the motion term's share of the solver step");
        m.put("solver_share", solverShare(fullDir, run, s, seed));
        log.printf("motion study: sampled motion over %d noise seeds x %d videos%n", seeds, labels.length);
        StudentNetwork on = load(fullDir, run, s, s.sampleMotionStrength()), lambdaZero = load(fullDir, run, s, 0);
        RunSpec offRun = RunSpec.read(offDir);
        StudentNetwork off = load(offDir, offRun, TurboMethod.settings(offRun), 0);
        int n = labels.length * seeds;
        Motion mOn = new Motion(n), mOff = new Motion(n), mZero = new Motion(n);
        for (int k = 0; k < seeds; k++) {
            long noise = seed + 100 + k;   // other starting noise than the main table's (seed + 1)
            mOn.put(k * labels.length, sample(on, run, labels, noise), noiseThreshold);
            mOff.put(k * labels.length, sample(off, offRun, labels, noise), noiseThreshold);
            mZero.put(k * labels.length, sample(lambdaZero, run, labels, noise), noiseThreshold);
        }
        m.put("mg_on_vs_mg_off", paired(mOn.flow, mOff.flow));   // the same as compareStudents(fullDir, offDir, ...), computed with the lambda = 0 arm
        m.put("lambda_vs_lambda0", paired(mOn.flow, mZero.flow));
        m.put("flow_means", Map.of("mg_on", mean(mOn.flow), "mg_off", mean(mOff.flow), "mg_on_lambda0", mean(mZero.flow)));
        m.put("track_mg_on_vs_mg_off", paired(mOn.track, mOff.track));
        m.put("track_lambda_vs_lambda0", paired(mOn.track, mZero.track));
        m.put("track_means", Map.of("mg_on", mean(mOn.track), "mg_off", mean(mOff.track), "mg_on_lambda0", mean(mZero.track)));
        m.put("videos", (long) n);
        m.put("sample_lambda", s.sampleMotionStrength());
        return m;
    }

    /**
     * The paired flow-motion and object-track differences of two students' LCM 4-step samples ({@code on} at its run's
     * sampling lambda minus {@code off}), over {@code seeds} noise seeds from {@code seed + 100}, as in {@link #run}:
     * for students distilled with other seeds ({@code vdiff distill --seed}), the training seed's part of the spread.
     * The noise-frame threshold is calibrated on the run's held-out real clips ({@link #noiseThreshold}).
     */
    public static Map<String, Object> compareStudents(Path onDir, Path offDir, long[] labels, int seeds, long seed) throws IOException {
        RunSpec onRun = RunSpec.read(onDir), offRun = RunSpec.read(offDir);
        TurboSettings so = TurboMethod.settings(onRun), sf = TurboMethod.settings(offRun);
        StudentNetwork on = load(onDir, onRun, so, so.sampleMotionStrength()), off = load(offDir, offRun, sf, sf.sampleMotionStrength());
        double threshold = noiseThreshold(onRun, Math.max(8, 4 * labels.length));
        int n = labels.length * seeds;
        Motion mOn = new Motion(n), mOff = new Motion(n);
        for (int k = 0; k < seeds; k++) {
            mOn.put(k * labels.length, sample(on, onRun, labels, seed + 100 + k), threshold);
            mOff.put(k * labels.length, sample(off, offRun, labels, seed + 100 + k), threshold);
        }
        Map<String, Object> r = paired(mOn.flow, mOff.flow);
        r.put("flow_on", mean(mOn.flow));
        r.put("flow_off", mean(mOff.flow));
        r.put("track", paired(mOn.track, mOff.track));
        r.put("track_on", mean(mOn.track));
        r.put("track_off", mean(mOff.track));
        return r;
    }

    /** The noise-frame threshold of a run's data: {@link NoiseFrames#calibrate} on {@code clips} held-out real clips (set A). */
    public static double noiseThreshold(RunSpec run, int clips) {
        List<Tensor> real = run.data().open().videos(DataSpec.HELD_OUT_A, clips);
        return NoiseFrames.calibrate(Concat.cat(0, real.stream().map(v -> v.unsqueeze(0)).toArray(Tensor[]::new)));   // [N, F, 3, H, W]
    }

    /** Per-video flow and object-track motion of one arm, filled seed by seed. */
    private static final class Motion {
        final double[] flow, track;

        Motion(int n) {
            flow = new double[n];
            track = new double[n];
        }

        void put(int at, Tensor clips, double noiseThreshold) {
            try (var ng = Autograd.noGrad()) {
                double[] f = FlowMotion.of(clips), t = TrackMotion.of(clips, noiseThreshold);
                System.arraycopy(f, 0, flow, at, f.length);
                System.arraycopy(t, 0, track, at, t.length);
            }
        }
    }

    private static Map<String, Object> paired(double[] a, double[] b) {
        PairedDifference d = PairedDifference.of(a, b);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mean", d.mean());
        r.put("standard_error", d.standardError());
        r.put("videos_higher", (long) d.higher());
        r.put("videos", (long) d.n());
        r.put("clearly_positive", d.clearlyPositive());
        return r;
    }

    /** The motion term's share of the teacher's augmented step, per unit lambda, at every second guided grid point. */
    private static Map<String, Object> solverShare(Path dir, RunSpec run, TurboSettings s, long seed) throws IOException {
        NoiseSchedule schedule = run.schedule();
        FrozenTeacher teacher = new FrozenTeacher(VideoUNet.load(Models.config(run.model()), Safetensors.read(dir.resolve(TurboSettings.TEACHER_FILE)), DType.FLOAT32));
        int[] grid = Timesteps.distillationGrid(s.gridPoints(), schedule.numTrainTimesteps());
        var score = new dev.vdiff.reference.turbo.MotionScore(teacher, schedule, grid, s.motion());
        GuidedDdimSolver solver = new GuidedDdimSolver(schedule, schedule.numTrainTimesteps() / s.gridPoints(), s.motionTerm());
        int clips = 4, p = run.model().patch();
        List<Tensor> real = run.data().open().videos(DataSpec.HELD_OUT_A, clips);
        Tensor x0 = Concat.cat(0, real.stream().map(v -> v.unsqueeze(0)).toArray(Tensor[]::new));    // [B, F, 3, H, W]
        if (p > 1) x0 = PatchedDenoiser.fold(x0, p);                                                    // [B, F, 3 p^2, H/p, W/p]
        long[] y = new long[clips];
        for (int i = 0; i < clips; i++) y[i] = i % run.model().classes();
        Tensor cond = Tensor.ofLongs(y, clips);
        Rng rng = Rng.seed(seed).split(77);
        Map<String, Object> perN = new LinkedHashMap<>();
        double sum = 0;
        int count = 0;
        int first = (int) Math.ceil((1 - s.tau()) * s.gridPoints());
        for (int n = first; n < s.gridPoints(); n += Math.max(1, (s.gridPoints() - first) / 4)) {
            int[] ns = new int[clips];
            java.util.Arrays.fill(ns, n);
            long[] ts = new long[clips];
            java.util.Arrays.fill(ts, grid[n]);
            Tensor tS = Tensor.ofLongs(ts, clips);
            Tensor eps = rng.split(n).normal(DType.FLOAT32, x0.shape());
            Tensor z = Parameterization.addNoise(x0, eps, schedule.sqrtAlphaBar(tS), schedule.sqrtOneMinusAlphaBar(tS)).detach();
            Tensor g = score.score(z, x0, ns, cond);
            try (var ng = Autograd.noGrad()) {
                Tensor eC = teacher.eps(z, tS, cond), eU = teacher.eps(z, tS, teacher.nullCondition(cond));
                Tensor omega = Tensor.of(fill(clips, s.sampleOmega()), clips);
                Tensor plain = solver.step(z, eC, eU, null, omega, Tensor.of(new double[clips], clips), tS).zPrev();
                Tensor guided = solver.step(z, eC, eU, g, omega, Tensor.of(fill(clips, 1.0), clips), tS).zPrev();
                double share = norm(Arithmetic.sub(guided, plain)) / norm(Arithmetic.sub(plain, z));
                perN.put("n" + n + "_t" + grid[n], share);
                sum += share;
                count++;
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("per_unit_lambda", perN);
        r.put("mean_per_unit_lambda", sum / count);
        r.put("at_run_lambda", sum / count * s.motionStrength());
        r.put("run_lambda", s.motionStrength());
        return r;
    }

    private static StudentNetwork load(Path dir, RunSpec run, TurboSettings s, double lambda) throws IOException {
        StudentNetwork net = TurboMethod.student(run, s, s.sampleOmega(), lambda);
        net.module().loadStateDict(Checkpoints.emaWeights(new Checkpoints(RunSpec.checkpointsDir(dir), 1).latest().orElseThrow()));
        return net;
    }

    /** LCM 4-step samples {@code [N, F, 3, H, W]} from {@code Rng.seed(noise)} (the experiment's way of drawing). */
    private static Tensor sample(StudentNetwork net, RunSpec run, long[] labels, long noise) {
        SamplerSettings lcm4 = new SamplerSettings(SamplerSettings.Kind.LCM, 4, 1.0, 0, 1.0, 50, 1.0);
        VideoGenerator gen = new VideoGenerator(net, run.objective(), run.schedule(), lcm4, 8);
        List<Tensor> v = gen.generate(labels, run.data().frames(), 3, run.data().height(), run.data().width(), Rng.seed(noise), null);
        return Concat.cat(0, v.stream().map(x -> x.unsqueeze(0)).toArray(Tensor[]::new));   // [N, F, 3, H, W]
    }

    private static double[] fill(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (double v : t.contiguous().toDoubleArray()) s += v * v;
        return Math.sqrt(s);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v / a.length;
        return s;
    }
}
